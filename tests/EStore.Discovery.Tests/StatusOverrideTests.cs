using System.Net;

namespace EStore.Discovery.Tests;

public sealed class StatusOverrideTests
{
    private const string InstancePath = "/eureka/apps/ORDERS/host-a:orders:8080";

    [Fact]
    public async Task Out_of_service_override_shows_in_reads_and_in_the_hash_code()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        var response = await client.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var instance = (await client.GetJsonAsync(InstancePath)).GetProperty("instance");
        Assert.Equal("OUT_OF_SERVICE", instance.GetProperty("status").GetString());
        Assert.Equal("OUT_OF_SERVICE", instance.GetProperty("overriddenStatus").GetString());
        Assert.Equal("MODIFIED", instance.GetProperty("actionType").GetString());
        Assert.Equal("OUT_OF_SERVICE_1_", (await client.GetJsonAsync("/eureka/apps")).GetProperty("applications").GetProperty("apps__hashcode").GetString());
    }

    [Fact]
    public async Task Override_survives_heartbeats_and_a_re_registration_as_up()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000000000"));
        await client.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null);

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(InstancePath + "?status=UP", null)).StatusCode);
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000009000"));

        var instance = (await client.GetJsonAsync(InstancePath)).GetProperty("instance");
        Assert.Equal("OUT_OF_SERVICE", instance.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Removing_the_override_makes_the_next_heartbeat_404_and_re_registration_restores_up()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000000000"));
        await client.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null);

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync(InstancePath + "/status")).StatusCode);
        Assert.Equal("UNKNOWN", (await client.GetJsonAsync(InstancePath)).GetProperty("instance").GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync(InstancePath, null)).StatusCode);
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000000000"));

        var instance = (await client.GetJsonAsync(InstancePath)).GetProperty("instance");
        Assert.Equal("UP", instance.GetProperty("status").GetString());
        Assert.Equal("UNKNOWN", instance.GetProperty("overriddenStatus").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(InstancePath, null)).StatusCode);
    }

    [Fact]
    public async Task Removing_the_override_with_a_value_applies_that_status_at_once()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());
        await client.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null);

        await client.DeleteAsync(InstancePath + "/status?value=UP");

        Assert.Equal("UP", (await client.GetJsonAsync(InstancePath)).GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(InstancePath, null)).StatusCode);
    }

    [Fact]
    public async Task A_down_instance_stays_down_whatever_the_override_and_comes_back_out_of_service()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000000000"));
        await client.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null);

        await client.RegisterAsync(Eureka.SteeltoeBody(status: "DOWN", lastDirty: "1700000001000"));
        Assert.Equal("DOWN", (await client.GetJsonAsync(InstancePath)).GetProperty("instance").GetProperty("status").GetString());

        // Healthy again: the operator's override still holds.
        await client.RegisterAsync(Eureka.SteeltoeBody(status: "UP", lastDirty: "1700000002000"));
        Assert.Equal("OUT_OF_SERVICE", (await client.GetJsonAsync(InstancePath)).GetProperty("instance").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?value=out_of_service")]
    [InlineData("?value=SLEEPING")]
    public async Task Missing_or_invalid_status_value_is_a_bad_request(string query)
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        var response = await client.PutAsync(InstancePath + "/status" + query, null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("UP", (await client.GetJsonAsync(InstancePath)).GetProperty("instance").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_operations_on_an_unknown_instance_return_404()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync(InstancePath + "/status")).StatusCode);
    }
}
