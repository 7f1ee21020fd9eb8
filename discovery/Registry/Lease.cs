using EStore.Platform.Discovery;

namespace EStore.Discovery.Registry;

/// <summary>
/// One registered instance and its lease clock. Mutable, and only ever touched while the
/// owning <see cref="InstanceRegistry"/> holds its lock. Timestamps are epoch milliseconds.
/// </summary>
internal sealed class Lease(EurekaInstance instance, long now)
{
    /// <summary>The stored record (status, override, action type, dirty stamp).</summary>
    public EurekaInstance Instance { get; set; } = instance;

    public long RegistrationTimestamp { get; } = now;

    /// <summary>
    /// Expiry anchor. Like Eureka, a renew sets it to <c>now + duration</c>, so an instance that
    /// stops heartbeating expires 2 x duration after its last renew (a known, deliberately kept
    /// Eureka quirk that clients' timeouts are tuned to). It is also what the wire calls
    /// <c>lastRenewalTimestamp</c>.
    /// </summary>
    public long LastUpdateTimestamp { get; private set; } = now;

    /// <summary>When the last heartbeat really arrived (for the dashboard).</summary>
    public long LastRenewalTimestamp { get; private set; } = now;

    public long EvictionTimestamp { get; private set; }

    public long ServiceUpTimestamp { get; set; }

    private long DurationMs => Instance.LeaseDurationSeconds * 1000L;

    public void Renew(long now)
    {
        LastRenewalTimestamp = now;
        LastUpdateTimestamp = now + DurationMs;
    }

    public void Cancel(long now) => EvictionTimestamp = now;

    /// <param name="now">The current time.</param>
    /// <param name="additionalMs">Grace for a late eviction run (so a stalled server does not punish its clients).</param>
    public bool IsExpired(long now, long additionalMs = 0) =>
        EvictionTimestamp > 0 || now > LastUpdateTimestamp + DurationMs + additionalMs;

    public void MarkServiceUp(long now)
    {
        if (ServiceUpTimestamp == 0)
        {
            ServiceUpTimestamp = now;
        }
    }

    /// <summary>The record as clients see it: lease info rebuilt from this lease.</summary>
    public EurekaInstance ToView() => Instance with
    {
        RegistrationTimestamp = RegistrationTimestamp,
        LastRenewalTimestamp = LastUpdateTimestamp,
        EvictionTimestamp = EvictionTimestamp,
        ServiceUpTimestamp = ServiceUpTimestamp,
        IsCoordinatingDiscoveryServer = false,
    };
}
