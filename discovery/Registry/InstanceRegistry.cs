using System.Globalization;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Registry;

/// <summary>
/// The in-memory Eureka registry: leases keyed by upper-case app name and case-sensitive
/// instance id, operator status overrides keyed by instance id, and a short list of recent
/// changes for delta fetches. One lock guards everything: operations are tiny and the
/// registry holds at most a few thousand leases, so contention is not a concern.
/// </summary>
public sealed class InstanceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Lease>> _apps = new(StringComparer.Ordinal);
    // Keyed by id alone, as in Eureka: an override follows the instance id, not the app.
    private readonly Dictionary<string, InstanceStatus> _overrides = new(StringComparer.Ordinal);
    private readonly Queue<RecentChange> _recentChanges = new();
    private readonly TimeProvider _time;
    private readonly long _deltaRetentionMs;
    private long _deltaVersion;

    public InstanceRegistry(TimeProvider time, IOptions<DiscoveryServerOptions> options)
    {
        _time = time;
        _deltaRetentionMs = Math.Max(1, options.Value.DeltaRetentionSeconds) * 1000L;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When the registry (and so the server) started.</summary>
    public DateTimeOffset StartedAt { get; }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Registers or re-registers an instance (already validated; the id is set). The server
    /// owns the lease timestamps and the action type; a missing dirty stamp becomes "now".
    /// </summary>
    public void Register(EurekaInstance registrant, bool isReplication = false)
    {
        lock (_gate)
        {
            var now = Now;
            var appName = registrant.AppName.ToUpperInvariant();
            registrant = registrant with
            {
                AppName = appName,
                LastDirtyTimestamp = registrant.LastDirtyTimestamp > 0 ? registrant.LastDirtyTimestamp : now,
            };
            if (!_apps.TryGetValue(appName, out var leases))
            {
                leases = new Dictionary<string, Lease>(StringComparer.Ordinal);
                _apps[appName] = leases;
            }
            var id = registrant.InstanceId;
            leases.TryGetValue(id, out var existing);
            // The stored record is newer (a delayed request or a stale peer): keep it, still answer 204.
            if (existing is not null && existing.Instance.LastDirtyTimestamp > registrant.LastDirtyTimestamp)
            {
                registrant = existing.Instance;
            }

            if (registrant.OverriddenStatus != InstanceStatus.Unknown)
            {
                _overrides.TryAdd(id, registrant.OverriddenStatus);
            }
            InstanceStatus? statusOverride = _overrides.TryGetValue(id, out var stored) ? stored : null;
            if (statusOverride is { } o)
            {
                registrant = registrant with { OverriddenStatus = o };
            }
            var status = InstanceStatusRules.Effective(registrant, existing?.Instance.Status, statusOverride, isReplication);

            var lease = new Lease(registrant with
            {
                Status = status,
                ActionType = EurekaActionType.Added,
                LastUpdatedTimestamp = now,
            }, now)
            {
                ServiceUpTimestamp = existing?.ServiceUpTimestamp ?? 0,
            };
            if (status == InstanceStatus.Up)
            {
                lease.MarkServiceUp(now);
            }
            leases[id] = lease;
            RecordChange(lease, now);
        }
    }

    /// <summary>A heartbeat. <paramref name="lastDirtyTimestamp"/> is the client's version stamp, when it sent one.</summary>
    public RenewOutcome Renew(string appName, string id, long? lastDirtyTimestamp = null, bool isReplication = false)
    {
        lock (_gate)
        {
            if (FindLease(appName, id) is not { } lease)
            {
                return RenewOutcome.NotFound;
            }
            InstanceStatus? statusOverride = _overrides.TryGetValue(id, out var stored) ? stored : null;
            var status = InstanceStatusRules.Effective(lease.Instance, lease.Instance.Status, statusOverride, isReplication);
            // UNKNOWN (e.g. after an override was deleted) forces the client to re-register with its own status.
            if (status == InstanceStatus.Unknown)
            {
                return RenewOutcome.NotFound;
            }
            if (status != lease.Instance.Status)
            {
                // Silent, as in Eureka: no delta entry for a status the rules merely re-derived.
                lease.Instance = lease.Instance with { Status = status };
            }
            var now = Now;
            lease.Renew(now);

            if (lastDirtyTimestamp is { } incoming)
            {
                var current = lease.Instance.LastDirtyTimestamp;
                if (incoming > current)
                {
                    return RenewOutcome.NotFound; // the client has newer data: make it re-register
                }
                if (incoming < current && isReplication)
                {
                    return RenewOutcome.Conflict;
                }
            }
            return RenewOutcome.Renewed;
        }
    }

    /// <summary>Removes an instance. False when it was not registered.</summary>
    public bool Cancel(string appName, string id)
    {
        lock (_gate)
        {
            return CancelLocked(appName.ToUpperInvariant(), id, Now);
        }
    }

    /// <summary>
    /// Sets an operator status override (for example OUT_OF_SERVICE). False when the instance
    /// is unknown or its lease has expired. Renews the lease, like Eureka.
    /// </summary>
    public bool SetStatusOverride(string appName, string id, InstanceStatus status, long? lastDirtyTimestamp = null)
    {
        lock (_gate)
        {
            var now = Now;
            if (FindLease(appName, id) is not { } lease || lease.IsExpired(now))
            {
                return false;
            }
            lease.Renew(now);
            if (lease.Instance.Status == status)
            {
                return true;
            }
            if (status == InstanceStatus.Up)
            {
                lease.MarkServiceUp(now);
            }
            _overrides[id] = status;
            lease.Instance = lease.Instance with
            {
                Status = status,
                OverriddenStatus = status,
                LastDirtyTimestamp = Math.Max(lease.Instance.LastDirtyTimestamp, lastDirtyTimestamp ?? 0),
                ActionType = EurekaActionType.Modified,
                LastUpdatedTimestamp = now,
            };
            RecordChange(lease, now);
            return true;
        }
    }

    /// <summary>
    /// Removes an operator override and sets <paramref name="fallbackStatus"/> (Eureka's default is
    /// UNKNOWN, which makes the next heartbeat 404 so the client re-registers with its own status).
    /// False when the instance is unknown or expired.
    /// </summary>
    public bool RemoveStatusOverride(string appName, string id, InstanceStatus fallbackStatus = InstanceStatus.Unknown, long? lastDirtyTimestamp = null)
    {
        lock (_gate)
        {
            var now = Now;
            if (FindLease(appName, id) is not { } lease || lease.IsExpired(now))
            {
                return false;
            }
            lease.Renew(now);
            if (!_overrides.Remove(id))
            {
                return true;
            }
            lease.Instance = lease.Instance with
            {
                Status = fallbackStatus,
                OverriddenStatus = InstanceStatus.Unknown,
                LastDirtyTimestamp = Math.Max(lease.Instance.LastDirtyTimestamp, lastDirtyTimestamp ?? 0),
                ActionType = EurekaActionType.Modified,
                LastUpdatedTimestamp = now,
            };
            RecordChange(lease, now);
            return true;
        }
    }

    /// <summary>
    /// Cancels every expired lease and returns the ids evicted. <paramref name="additionalLeaseMs"/>
    /// is extra grace (how late this eviction run is).
    /// </summary>
    public IReadOnlyList<string> EvictExpired(long additionalLeaseMs = 0)
    {
        lock (_gate)
        {
            var now = Now;
            var expired = _apps
                .SelectMany(app => app.Value.Values.Where(l => l.IsExpired(now, additionalLeaseMs)).Select(l => (App: app.Key, l.Instance.InstanceId)))
                .ToList();
            foreach (var (app, id) in expired)
            {
                CancelLocked(app, id, now);
            }
            return expired.Select(e => e.InstanceId).ToList();
        }
    }

    /// <summary>The full registry, every status, expired-but-not-evicted leases included (as Eureka does).</summary>
    public RegistrySnapshot GetApplications()
    {
        lock (_gate)
        {
            var instances = AllViews();
            return new RegistrySnapshot(instances, "1", EurekaJson.ReconcileHashCode(instances));
        }
    }

    /// <summary>
    /// Recently changed instances (current record per id, DELETED ones included), the delta
    /// counter and the hash code of the whole registry (clients compare it with their merged copy).
    /// </summary>
    public RegistrySnapshot GetDelta()
    {
        lock (_gate)
        {
            PurgeRecentChanges(Now);
            var latest = new Dictionary<(string App, string Id), EurekaInstance>();
            foreach (var change in _recentChanges)
            {
                latest[(change.Instance.AppName, change.Instance.InstanceId)] = change.Instance;
            }
            var hashCode = EurekaJson.ReconcileHashCode(AllViews());
            return new RegistrySnapshot([.. latest.Values], _deltaVersion.ToString(CultureInfo.InvariantCulture), hashCode);
        }
    }

    /// <summary>The instances of one app, or null when it has none.</summary>
    public IReadOnlyList<EurekaInstance>? GetApplication(string appName)
    {
        lock (_gate)
        {
            return _apps.TryGetValue(appName.ToUpperInvariant(), out var leases) && leases.Count > 0
                ? [.. leases.Values.Select(l => l.ToView())]
                : null;
        }
    }

    /// <summary>One instance, or null when it is unknown or its lease has expired.</summary>
    public EurekaInstance? GetInstance(string appName, string id)
    {
        lock (_gate)
        {
            return FindLease(appName, id) is { } lease && !lease.IsExpired(Now) ? lease.ToView() : null;
        }
    }

    /// <summary>The first live instance with this id in any app.</summary>
    public EurekaInstance? GetInstanceById(string id)
    {
        lock (_gate)
        {
            var now = Now;
            foreach (var leases in _apps.Values)
            {
                if (leases.TryGetValue(id, out var lease) && !lease.IsExpired(now))
                {
                    return lease.ToView();
                }
            }
            return null;
        }
    }

    /// <summary>Every lease with its heartbeat time, for the dashboard.</summary>
    public IReadOnlyList<LeaseInfoSnapshot> GetLeases()
    {
        lock (_gate)
        {
            var now = Now;
            return [.. _apps.OrderBy(a => a.Key, StringComparer.Ordinal)
                .SelectMany(a => a.Value.Values)
                .Select(l => new LeaseInfoSnapshot(l.ToView(), l.LastRenewalTimestamp, l.IsExpired(now)))];
        }
    }

    private Lease? FindLease(string appName, string id) =>
        _apps.TryGetValue(appName.ToUpperInvariant(), out var leases) && leases.TryGetValue(id, out var lease) ? lease : null;

    private bool CancelLocked(string appName, string id, long now)
    {
        if (!_apps.TryGetValue(appName, out var leases) || !leases.Remove(id, out var lease))
        {
            return false;
        }
        // Never keep (and so never emit) an application without instances.
        if (leases.Count == 0)
        {
            _apps.Remove(appName);
        }
        _overrides.Remove(id);
        lease.Cancel(now);
        lease.Instance = lease.Instance with { ActionType = EurekaActionType.Deleted, LastUpdatedTimestamp = now };
        RecordChange(lease, now);
        return true;
    }

    private List<EurekaInstance> AllViews() =>
        [.. _apps.OrderBy(a => a.Key, StringComparer.Ordinal).SelectMany(a => a.Value.Values).Select(l => l.ToView())];

    private void RecordChange(Lease lease, long now)
    {
        // A snapshot per change: the last one per id is what the delta shows, as in Eureka.
        _recentChanges.Enqueue(new RecentChange(now, lease.ToView()));
        // Counts changes, so clients polling an unchanged registry see a stable version.
        _deltaVersion++;
        PurgeRecentChanges(now);
    }

    private void PurgeRecentChanges(long now)
    {
        while (_recentChanges.TryPeek(out var oldest) && oldest.Timestamp < now - _deltaRetentionMs)
        {
            _recentChanges.Dequeue();
        }
    }

    private sealed record RecentChange(long Timestamp, EurekaInstance Instance);
}
