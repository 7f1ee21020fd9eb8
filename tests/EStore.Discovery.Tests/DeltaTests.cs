using System.Text.Json;

namespace EStore.Discovery.Tests;

public sealed class DeltaTests
{
    [Fact]
    public async Task Delta_shows_a_deleted_entry_after_cancel_with_the_full_registrys_hash_code()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(host: "host-a"));
        await client.RegisterAsync(Eureka.SteeltoeBody(host: "host-b"));
        factory.Clock.Advance(TimeSpan.FromSeconds(5));

        await client.DeleteAsync("/eureka/apps/ORDERS/host-a:orders:8080");

        var delta = (await client.GetJsonAsync("/eureka/apps/delta")).GetProperty("applications");
        var instances = Instances(delta);
        var deleted = Assert.Single(instances, i => i.GetProperty("instanceId").GetString() == "host-a:orders:8080");
        Assert.Equal("DELETED", deleted.GetProperty("actionType").GetString());
        Assert.Equal(factory.Clock.GetUtcNow().ToUnixTimeMilliseconds(), deleted.GetProperty("leaseInfo").GetProperty("evictionTimestamp").GetInt64());
        var added = Assert.Single(instances, i => i.GetProperty("instanceId").GetString() == "host-b:orders:8080");
        Assert.Equal("ADDED", added.GetProperty("actionType").GetString());
        // The hash code is that of the full registry (one UP instance left), not of the delta's content.
        Assert.Equal("UP_1_", delta.GetProperty("apps__hashcode").GetString());
        Assert.Equal(JsonValueKind.String, delta.GetProperty("versions__delta").ValueKind);
    }

    [Fact]
    public async Task Delta_collapses_changes_to_one_entry_per_instance_with_its_latest_state()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());
        await client.PutAsync("/eureka/apps/ORDERS/host-a:orders:8080/status?value=OUT_OF_SERVICE", null);

        var delta = (await client.GetJsonAsync("/eureka/v2/apps/delta/")).GetProperty("applications");

        var instance = Assert.Single(Instances(delta));
        Assert.Equal("MODIFIED", instance.GetProperty("actionType").GetString());
        Assert.Equal("OUT_OF_SERVICE", instance.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Changes_leave_the_delta_after_the_retention_window_but_the_application_key_stays()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());
        await client.PutAsync("/eureka/apps/ORDERS/host-a:orders:8080", null);
        var before = (await client.GetJsonAsync("/eureka/apps/delta")).GetProperty("applications");

        // Heartbeats keep the lease alive (so no eviction shows up) and are not changes themselves.
        foreach (var seconds in new[] { 50, 50, 50, 31 })
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(seconds));
            await client.PutAsync("/eureka/apps/ORDERS/host-a:orders:8080", null);
        }
        var after = (await client.GetJsonAsync("/eureka/apps/delta")).GetProperty("applications");

        Assert.Single(Instances(before));
        Assert.Empty(after.GetProperty("application").EnumerateArray());
        Assert.Equal(before.GetProperty("versions__delta").GetString(), after.GetProperty("versions__delta").GetString());
    }

    [Fact]
    public async Task Delta_version_moves_when_the_registry_changes()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());
        var first = (await client.GetJsonAsync("/eureka/apps/delta")).GetProperty("applications").GetProperty("versions__delta").GetString();

        await client.RegisterAsync(Eureka.SteeltoeBody(host: "host-b"));
        var second = (await client.GetJsonAsync("/eureka/apps/delta")).GetProperty("applications").GetProperty("versions__delta").GetString();

        Assert.NotEqual(first, second);
    }

    private static List<JsonElement> Instances(JsonElement applications) =>
        [.. applications.GetProperty("application").EnumerateArray().SelectMany(a => a.GetProperty("instance").EnumerateArray())];
}
