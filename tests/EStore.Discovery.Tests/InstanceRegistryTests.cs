using EStore.Discovery.Registry;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Tests;

public sealed class InstanceRegistryTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly InstanceRegistry _registry;

    public InstanceRegistryTests()
    {
        // Self-preservation has its own tests; here eviction must depend on leases alone.
        var options = Options.Create(new DiscoveryServerOptions { SelfPreservation = { Enabled = false, RenewalPercentThreshold = 0 } });
        _registry = new InstanceRegistry(_clock, options, new SelfPreservationMonitor(_clock, options));
    }

    private static EurekaInstance Orders(string id = "host-a:orders:8080", int durationSeconds = 90) => new()
    {
        InstanceId = id,
        AppName = "orders",
        HostName = "host-a",
        IpAddress = "10.0.0.5",
        Port = 8080,
        LeaseDurationSeconds = durationSeconds,
    };

    [Fact]
    public void Another_app_cannot_take_an_id_held_by_an_expired_lease_to_steer_or_clear_its_status_override()
    {
        var identity = new EurekaInstance { InstanceId = "identity-1", AppName = "IDENTITY-SERVICE", HostName = "host-a", IpAddress = "10.0.0.6", Port = 8081 };
        _registry.Register(identity);
        // Expired (never renewed for longer than its 90 s lease) but not evicted yet.
        _clock.Advance(TimeSpan.FromSeconds(91));

        var squat = _registry.Register(identity with { AppName = "PRODUCT-SERVICE", OverriddenStatus = InstanceStatus.OutOfService });

        Assert.Equal((int)System.Net.HttpStatusCode.Conflict, squat.RefusedStatus);
        Assert.Null(_registry.GetApplication("PRODUCT-SERVICE"));
        // The real instance renews and keeps its own status.
        var renewed = _registry.Renew("IDENTITY-SERVICE", "identity-1");
        Assert.Equal(RenewOutcome.Renewed, renewed.Outcome);
        Assert.Equal(InstanceStatus.Up, renewed.Instance!.Status);
        // An admin's override on the real instance survives the other app's cancel.
        _registry.SetStatusOverride("IDENTITY-SERVICE", "identity-1", InstanceStatus.OutOfService);
        Assert.False(_registry.Cancel("PRODUCT-SERVICE", "identity-1"));
        Assert.Equal(InstanceStatus.OutOfService, _registry.Renew("IDENTITY-SERVICE", "identity-1").Instance!.Status);
    }

    [Fact]
    public void A_lease_that_was_never_renewed_expires_after_one_duration()
    {
        _registry.Register(Orders(durationSeconds: 30));

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(_registry.EvictExpired());

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["host-a:orders:8080"], _registry.EvictExpired());
        Assert.Null(_registry.GetApplication("ORDERS"));
    }

    [Fact]
    public void A_renewed_lease_expires_two_durations_after_the_last_renew_like_eureka()
    {
        _registry.Register(Orders(durationSeconds: 30));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(RenewOutcome.Renewed, _registry.Renew("ORDERS", "host-a:orders:8080").Outcome);

        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(_registry.EvictExpired());

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(_registry.EvictExpired());
    }

    [Fact]
    public void A_late_eviction_run_grants_its_lateness_as_grace()
    {
        _registry.Register(Orders(durationSeconds: 30));
        _clock.Advance(TimeSpan.FromSeconds(40));

        Assert.Empty(_registry.EvictExpired(additionalLeaseMs: 20_000));
        Assert.Single(_registry.EvictExpired());
    }

    [Fact]
    public void Evicted_instances_show_as_deleted_in_the_delta()
    {
        _registry.Register(Orders(durationSeconds: 30));
        _clock.Advance(TimeSpan.FromSeconds(31));

        _registry.EvictExpired();

        var delta = _registry.GetDelta();
        var entry = Assert.Single(delta.Instances);
        Assert.Equal(EurekaActionType.Deleted, entry.ActionType);
        Assert.Equal("", delta.HashCode);
    }

    [Fact]
    public void App_names_are_case_insensitive_and_stored_upper_case()
    {
        _registry.Register(Orders());

        var instances = _registry.GetApplication("Orders");

        Assert.NotNull(instances);
        Assert.Equal("ORDERS", Assert.Single(instances).AppName);
        Assert.Equal(RenewOutcome.Renewed, _registry.Renew("orders", "host-a:orders:8080").Outcome);
        Assert.True(_registry.Cancel("oRdErS", "host-a:orders:8080"));
    }

    [Fact]
    public void Cancel_forgets_the_status_override()
    {
        _registry.Register(Orders());
        Assert.NotNull(_registry.SetStatusOverride("ORDERS", "host-a:orders:8080", InstanceStatus.OutOfService));

        _registry.Cancel("ORDERS", "host-a:orders:8080");
        _registry.Register(Orders());

        Assert.Equal(InstanceStatus.Up, _registry.GetInstance("ORDERS", "host-a:orders:8080")!.Status);
    }

    [Fact]
    public void Concurrent_registrations_and_renewals_lose_nothing()
    {
        Parallel.For(0, 200, i =>
        {
            var id = $"host-{i}:orders:8080";
            _registry.Register(Orders(id));
            Assert.Equal(RenewOutcome.Renewed, _registry.Renew("ORDERS", id).Outcome);
        });

        Assert.Equal(200, _registry.GetApplications().Instances.Count);
        Assert.Equal("UP_200_", _registry.GetApplications().HashCode);
    }
}
