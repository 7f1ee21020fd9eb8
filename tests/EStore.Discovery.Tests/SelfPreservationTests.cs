using System.Net.Http.Json;
using System.Text.Json;
using EStore.Discovery.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Tests;

/// <summary>
/// Self-preservation on a fake clock. Instances hold 30 s leases and renew every 10 s, so that
/// a healthy fleet renews far above the threshold (which assumes 30 s renewals) and a dead
/// instance expires 60 s after its last renewal (Eureka's 2 x duration).
/// </summary>
public sealed class SelfPreservationTests
{
    [Fact]
    public async Task A_mass_disappearance_stops_eviction_and_the_dashboard_and_health_say_so()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var hosts = Enumerable.Range(0, 10).Select(i => $"host-{i}").ToList();
        foreach (var host in hosts)
        {
            await client.RegisterAsync(Eureka.SteeltoeBody(host: host, durationInSecs: 30));
        }
        // 10 registrations on top of Spring's starting count of 1: threshold (int)(11 x 2 x 0.85) = 18 per minute.
        await RunAsync(factory, client, hosts, seconds: 180);
        Assert.True(factory.Services.GetRequiredService<SelfPreservationMonitor>().IsLeaseExpirationEnabled);

        // Eight of ten vanish at once: 2 x 6 = 12 renewals a minute, below 18.
        await RunAsync(factory, client, hosts.Take(2).ToList(), seconds: 180);

        var state = factory.Services.GetRequiredService<SelfPreservationMonitor>().Snapshot();
        Assert.True(state.Active);
        Assert.Equal(18, state.RenewsThreshold);
        Assert.Equal(12, state.RenewsLastMinute);
        // All eight have expired, none was evicted.
        Assert.Equal(10, factory.Registry.Count);
        Assert.Equal(8, factory.Registry.GetLeases().Count(l => l.IsExpired));
        Assert.Contains("EMERGENCY! EUREKA MAY BE INCORRECTLY CLAIMING INSTANCES ARE UP", await client.GetStringAsync("/"));
        // The public health says UP without details; the registry component's details (the management port's view,
        // which the in-memory test server has not) say self-preservation is on.
        var health = await client.GetFromJsonAsync<JsonElement>("/actuator/health");
        Assert.Equal("UP", health.GetProperty("status").GetString());
        Assert.False(health.GetProperty("components").GetProperty("registry").TryGetProperty("details", out _));
        var report = await factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "registry");
        var details = Assert.IsType<Dictionary<string, object>>(report.Entries["registry"].Data["selfPreservation"]);
        Assert.Equal(true, details["active"]);
        Assert.Equal(false, details["leaseExpirationEnabled"]);
    }

    [Fact]
    public async Task Above_the_threshold_eviction_runs_but_takes_at_most_the_share_above_it_per_pass()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var hosts = Enumerable.Range(0, 20).Select(i => $"host-{i}").ToList();
        foreach (var host in hosts)
        {
            await client.RegisterAsync(Eureka.SteeltoeBody(host: host, durationInSecs: 30));
        }
        await RunAsync(factory, client, hosts, seconds: 180);

        // Five die; fifteen renew 90 times a minute, well above (int)(21 x 2 x 0.85) = 35.
        // The dead expire 60 s after their last renewal, so the second tick after that evicts.
        var survivors = hosts.Skip(5).ToList();
        await RunAsync(factory, client, survivors, seconds: 120);
        var cap = 20 - (int)(20 * 0.85);
        Assert.Equal(20 - cap, factory.Registry.Count);

        await RunAsync(factory, client, survivors, seconds: 60);
        Assert.Equal(15, factory.Registry.Count);
        Assert.All(factory.Registry.GetLeases(), l => Assert.Contains(l.Instance.HostName, survivors));
    }

    [Fact]
    public async Task With_self_preservation_disabled_every_expired_lease_is_evicted_and_the_dashboard_warns()
    {
        using var factory = new DiscoveryFactory(new Dictionary<string, string?>
        {
            ["Discovery:SelfPreservation:Enabled"] = "false",
            ["Discovery:SelfPreservation:RenewalPercentThreshold"] = "0.5",
        });
        var client = factory.CreateClient();
        var hosts = Enumerable.Range(0, 4).Select(i => $"host-{i}").ToList();
        foreach (var host in hosts)
        {
            await client.RegisterAsync(Eureka.SteeltoeBody(host: host, durationInSecs: 30));
        }

        await RunAsync(factory, client, hosts.Take(2).ToList(), seconds: 120);

        Assert.Equal(2, factory.Registry.Count);
        Assert.Contains("THE SELF PRESERVATION MODE IS TURNED OFF", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task The_threshold_update_task_resets_the_expected_clients_to_the_registry_size()
    {
        // Netflix's standalone start: zero expected clients, so registrations are not counted up.
        using var factory = new DiscoveryFactory(new Dictionary<string, string?> { ["Discovery:SelfPreservation:ExpectedClientsAtStart"] = "0" });
        var client = factory.CreateClient();
        var monitor = factory.Services.GetRequiredService<SelfPreservationMonitor>();
        for (var i = 0; i < 4; i++)
        {
            await client.RegisterAsync(Eureka.SteeltoeBody(host: $"host-{i}"));
        }
        Assert.Equal(0, monitor.Snapshot().ExpectedClients);

        factory.Clock.Advance(TimeSpan.FromMinutes(15));

        await Eventually.TrueAsync(() => monitor.Snapshot().ExpectedClients == 4, "the 15-minute recount");
        Assert.Equal(6, monitor.Snapshot().RenewsThreshold);
    }

    [Fact]
    public void The_recount_is_refused_while_the_registry_is_below_the_threshold_share()
    {
        var clock = new FakeTimeProvider();
        var monitor = new SelfPreservationMonitor(clock, Options.Create(new DiscoveryServerOptions()));
        for (var i = 0; i < 10; i++)
        {
            monitor.ClientRegistered();
        }
        Assert.Equal(18, monitor.Snapshot().RenewsThreshold);

        Assert.False(monitor.Recount(9));
        Assert.Equal(11, monitor.Snapshot().ExpectedClients);
        Assert.True(monitor.Recount(10));
        Assert.Equal(17, monitor.Snapshot().RenewsThreshold);
    }

    [Fact]
    public void Renewals_count_towards_the_previous_complete_minute_only()
    {
        var clock = new FakeTimeProvider();
        var monitor = new SelfPreservationMonitor(clock, Options.Create(new DiscoveryServerOptions()));
        monitor.RecordRenewal();
        monitor.RecordRenewal();
        Assert.Equal(0, monitor.Snapshot().RenewsLastMinute);

        clock.Advance(TimeSpan.FromSeconds(60));
        monitor.RecordRenewal();
        Assert.Equal(2, monitor.Snapshot().RenewsLastMinute);

        clock.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(0, monitor.Snapshot().RenewsLastMinute);
    }

    /// <summary>Moves the clock in 10 s steps; each step the given hosts renew, and every eviction tick is awaited.</summary>
    private static async Task RunAsync(DiscoveryFactory factory, HttpClient client, IReadOnlyList<string> renewing, int seconds)
    {
        for (var elapsed = 0; elapsed < seconds; elapsed += 10)
        {
            var passes = factory.Eviction.CompletedPasses;
            var crossesTick = (factory.Clock.GetUtcNow() - factory.Registry.StartedAt).TotalSeconds % 60 >= 50;
            factory.Clock.Advance(TimeSpan.FromSeconds(10));
            if (crossesTick)
            {
                await Eventually.TrueAsync(() => factory.Eviction.CompletedPasses > passes, "an eviction pass");
            }
            foreach (var host in renewing)
            {
                var response = await client.PutAsync($"/eureka/apps/ORDERS/{host}:orders:8080", null);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
        }
    }
}
