using System.Net;
using EStore.Discovery.Registry;

namespace EStore.Discovery.Tests;

public sealed class LeaseLifecycleTests
{
    private const string InstancePath = "/eureka/v2/apps/ORDERS/host-a:orders:8080";

    [Fact]
    public async Task Renew_of_a_registered_instance_returns_200()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        var response = await client.PutAsync(InstancePath + "?status=UP&lastDirtyTimestamp=1700000000000", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Renew_of_an_unknown_instance_returns_404_so_the_client_re_registers()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var response = await client.PutAsync(InstancePath, null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Renew_with_a_newer_dirty_timestamp_than_stored_returns_404()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000000000"));

        var response = await client.PutAsync(InstancePath + "?status=UP&lastDirtyTimestamp=1700000005000", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Cancel_removes_the_instance_and_a_second_cancel_is_404()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        var first = await client.DeleteAsync(InstancePath);
        var second = await client.DeleteAsync(InstancePath);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        var applications = (await client.GetJsonAsync("/eureka/v2/apps/")).GetProperty("applications");
        // The application key stays (an empty array), and no app is left without instances.
        Assert.Empty(applications.GetProperty("application").EnumerateArray());
        Assert.Equal("", applications.GetProperty("apps__hashcode").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/v2/apps/ORDERS")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(InstancePath)).StatusCode);
    }

    [Fact]
    public async Task A_lease_not_renewed_within_its_duration_is_evicted_by_the_background_service()
    {
        using var factory = new DiscoveryFactory(DiscoveryFactory.WithoutSelfPreservation);
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(durationInSecs: 90));
        var eviction = factory.Eviction;

        // Tick at 60 s: the lease (90 s) still holds.
        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        await WaitForPassesAsync(eviction, 1);
        Assert.Equal("host-a:orders:8080", Eureka.SingleInstance(await client.GetJsonAsync("/eureka/apps")).GetProperty("instanceId").GetString());

        // Tick at 120 s: expired, evicted.
        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        await WaitForPassesAsync(eviction, 2);
        Assert.Empty((await client.GetJsonAsync("/eureka/apps")).GetProperty("applications").GetProperty("application").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync(InstancePath, null)).StatusCode);
    }

    [Fact]
    public async Task A_renewing_instance_survives_eviction_runs()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(durationInSecs: 90));
        var eviction = factory.Eviction;

        for (var pass = 1; pass <= 5; pass++)
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(InstancePath, null)).StatusCode);
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            await WaitForPassesAsync(eviction, pass);
        }

        Assert.Equal("UP", Eureka.SingleInstance(await client.GetJsonAsync("/eureka/apps")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_expired_lease_is_hidden_from_single_instance_reads_but_listed_until_evicted()
    {
        using var factory = new DiscoveryFactory(DiscoveryFactory.WithoutSelfPreservation);
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(durationInSecs: 10));

        factory.Clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(InstancePath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/v2/instances/host-a:orders:8080")).StatusCode);
        Assert.Equal("UP_1_", (await client.GetJsonAsync("/eureka/apps")).GetProperty("applications").GetProperty("apps__hashcode").GetString());
    }

    private static Task WaitForPassesAsync(LeaseEvictionService eviction, long passes) =>
        Eventually.TrueAsync(() => eviction.CompletedPasses >= passes, $"eviction pass {passes} to run", TimeSpan.FromSeconds(10));
}
