using System.Globalization;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Registry;

/// <summary>
/// The in-memory Eureka registry: leases keyed by upper-case app name and case-sensitive
/// instance id, operator status overrides keyed by instance id, and a short list of recent
/// changes for delta fetches. One lock guards everything: operations are tiny and the
/// registry holds at most a few thousand leases, so contention is not a concern.
/// Replication is not done here (see <c>Replication.ReplicatingRegistry</c>): this class
/// only knows whether a request came from a peer, because the status rules differ.
/// </summary>
public sealed class InstanceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Lease>> _apps = new(StringComparer.Ordinal);
    // Keyed by id alone, as in Eureka: an override follows the instance id, not the app.
    private readonly Dictionary<string, InstanceStatus> _overrides = new(StringComparer.Ordinal);
    // Version of the last change per app (kept after an app's last instance left: its 404 is cached too).
    private readonly Dictionary<string, long> _appVersions = new(StringComparer.Ordinal);
    private readonly Queue<RecentChange> _recentChanges = new();
    private readonly TimeProvider _time;
    private readonly SelfPreservationMonitor _selfPreservation;
    private readonly long _deltaRetentionMs;
    private readonly double _renewalPercentThreshold;
    private readonly long _maxClockSkewMs;
    private readonly int _maxLeaseDurationSeconds;
    private long _deltaVersion;
    private long _version;

    /// <summary>Creates an empty registry.</summary>
    public InstanceRegistry(TimeProvider time, IOptions<DiscoveryServerOptions> options, SelfPreservationMonitor selfPreservation)
    {
        _time = time;
        _selfPreservation = selfPreservation;
        // Validated at start (DiscoveryServerOptions.Validate): taken as they are.
        _deltaRetentionMs = options.Value.DeltaRetentionSeconds * 1000L;
        _renewalPercentThreshold = options.Value.SelfPreservation.RenewalPercentThreshold;
        _maxClockSkewMs = options.Value.MaxClockSkewSeconds * 1000L;
        _maxLeaseDurationSeconds = options.Value.MaxLeaseDurationSeconds;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When the registry (and so the server) started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Grows with every change that clients can see; cached documents built at an older version are stale.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Number of leases (expired but not yet evicted ones included).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _apps.Values.Sum(a => a.Count);
            }
        }
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The version of the last change to one app (0 if it never changed).</summary>
    public long AppVersion(string appName)
    {
        lock (_gate)
        {
            return _appVersions.GetValueOrDefault(appName.ToUpperInvariant());
        }
    }

    /// <summary>
    /// Registers or re-registers an instance (already validated; the id is set). The server
    /// owns the lease timestamps and the action type; a missing dirty stamp becomes "now".
    /// A client's registration (not a peer's: the peer that took it checked it) is refused with
    /// 400 when its dirty stamp lies beyond <c>MaxClockSkewSeconds</c> in the future or its lease
    /// beyond <c>MaxLeaseDurationSeconds</c>, and with 409 when it would move a live lease to
    /// another host, address or port (the id belongs to the instance holding it until that lease
    /// ends or is cancelled), or reuse an id that any lease of another app holds, expired or not (an
    /// expired lease may live on for an eviction interval, or indefinitely under self-preservation,
    /// and its instance may renew it again).
    /// </summary>
    public RegisterResult Register(EurekaInstance registrant, bool isReplication = false) => Register(registrant, isReplication, checkLimits: !isReplication);

    private RegisterResult Register(EurekaInstance registrant, bool isReplication, bool checkLimits)
    {
        lock (_gate)
        {
            var now = Now;
            if (checkLimits)
            {
                if (registrant.LastDirtyTimestamp > now + _maxClockSkewMs)
                {
                    return RegisterResult.Refuse(registrant, StatusCodes.Status400BadRequest, "lastDirtyTimestamp is too far in the future");
                }
                if (registrant.LeaseDurationSeconds > _maxLeaseDurationSeconds)
                {
                    return RegisterResult.Refuse(registrant, StatusCodes.Status400BadRequest, $"Lease duration above {_maxLeaseDurationSeconds} s");
                }
                if (FindLease(registrant.AppName, registrant.InstanceId) is { } live && !live.IsExpired(now) && MovesEndpoint(live.Instance, registrant))
                {
                    return RegisterResult.Refuse(live.ToView(), StatusCodes.Status409Conflict, "Instance id is held by a live instance at another address");
                }
                // Overrides are keyed by id alone (as in Eureka): one id in two apps would let one
                // app's credential set (or, by cancelling, clear) the other's status.
                if (FindInOtherApp(registrant.AppName, registrant.InstanceId) is { } other)
                {
                    return RegisterResult.Refuse(other.ToView(), StatusCodes.Status409Conflict, "Instance id is held by an instance of another app");
                }
            }
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
            if (existing is null)
            {
                _selfPreservation.ClientRegistered();
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
            return new RegisterResult(lease.ToView(), existing is null);
        }
    }

    /// <summary>
    /// A heartbeat. <paramref name="lastDirtyTimestamp"/> is the sender's version stamp, when it sent one;
    /// <paramref name="overriddenStatus"/> the override a replicating peer holds for the instance.
    /// </summary>
    public RenewResult Renew(string appName, string id, long? lastDirtyTimestamp = null, bool isReplication = false, InstanceStatus? overriddenStatus = null)
    {
        lock (_gate)
        {
            if (FindLease(appName, id) is not { } lease)
            {
                return new RenewResult(RenewOutcome.NotFound, false, null);
            }
            if (!isReplication && lastDirtyTimestamp is { } claimed)
            {
                if (claimed > Now + _maxClockSkewMs)
                {
                    return new RenewResult(RenewOutcome.Invalid, false, null);
                }
                // Eureka renews first and then compares stamps; but a heartbeat for another record
                // than ours (older: a stale sender; newer: the instance restarted, perhaps at a new
                // address its 409-refused registration could not store) would keep our record alive
                // for it. 404 without renewing: the client registers its own record, which succeeds
                // once ours has ended. Peers keep Eureka's order (below): they send our own record's stamps.
                if (claimed != lease.Instance.LastDirtyTimestamp)
                {
                    return new RenewResult(RenewOutcome.NotFound, false, null);
                }
            }
            InstanceStatus? statusOverride = _overrides.TryGetValue(id, out var stored) ? stored : null;
            var status = InstanceStatusRules.Effective(lease.Instance, lease.Instance.Status, statusOverride, isReplication);
            // UNKNOWN (e.g. after an override was deleted) forces the client to re-register with its own status.
            if (status == InstanceStatus.Unknown)
            {
                return new RenewResult(RenewOutcome.NotFound, false, lease.ToView());
            }
            if (status != lease.Instance.Status)
            {
                // Silent, as in Eureka: no delta entry for a status the rules merely re-derived.
                lease.Instance = lease.Instance with { Status = status };
            }
            lease.Renew(Now);
            _selfPreservation.RecordRenewal();

            if (lastDirtyTimestamp is { } incoming)
            {
                var current = lease.Instance.LastDirtyTimestamp;
                if (incoming > current)
                {
                    // A peer has newer data (clients never reach here): make it register again. Its override comes along.
                    if (isReplication && overriddenStatus is { } peerOverride)
                    {
                        StoreOverrideIfRequiredLocked(id, peerOverride);
                    }
                    return new RenewResult(RenewOutcome.NotFound, true, lease.ToView());
                }
                if (incoming < current && isReplication)
                {
                    return new RenewResult(RenewOutcome.Conflict, true, lease.ToView());
                }
            }
            return new RenewResult(RenewOutcome.Renewed, true, lease.ToView());
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
    /// Sets an operator status override (for example OUT_OF_SERVICE). Null when the instance
    /// is unknown or its lease has expired. Renews the lease, like Eureka.
    /// </summary>
    public EurekaInstance? SetStatusOverride(string appName, string id, InstanceStatus status, long? lastDirtyTimestamp = null)
    {
        lock (_gate)
        {
            var now = Now;
            if (FindLease(appName, id) is not { } lease || !IsVisible(lease, now))
            {
                return null;
            }
            lease.Renew(now);
            if (lease.Instance.Status == status)
            {
                return lease.ToView();
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
            return lease.ToView();
        }
    }

    /// <summary>
    /// Removes an operator override and sets <paramref name="fallbackStatus"/> (Eureka's default is
    /// UNKNOWN, which makes the next heartbeat 404 so the client re-registers with its own status).
    /// Null when the instance is unknown or expired.
    /// </summary>
    public EurekaInstance? RemoveStatusOverride(string appName, string id, InstanceStatus fallbackStatus = InstanceStatus.Unknown, long? lastDirtyTimestamp = null)
    {
        lock (_gate)
        {
            var now = Now;
            if (FindLease(appName, id) is not { } lease || !IsVisible(lease, now))
            {
                return null;
            }
            lease.Renew(now);
            if (!_overrides.Remove(id))
            {
                return lease.ToView();
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
            return lease.ToView();
        }
    }

    /// <summary>
    /// Merges <paramref name="metadata"/> into the stored record and registers it again (new lease,
    /// ADDED), as Eureka does. The dirty stamp is kept, so the client's next own registration wins.
    /// Null when the instance is unknown or expired.
    /// </summary>
    public RegisterResult? UpdateMetadata(string appName, string id, IReadOnlyDictionary<string, string> metadata)
    {
        lock (_gate)
        {
            if (FindLease(appName, id) is not { } lease || !IsVisible(lease, Now))
            {
                return null;
            }
            var merged = new Dictionary<string, string>(lease.Instance.Metadata, StringComparer.Ordinal);
            foreach (var (key, value) in metadata)
            {
                merged[key] = value;
            }
            // Lock is re-entrant: Register runs the same rules as any re-registration. The stored
            // record passed the limits already (or came from a peer), so they are not checked again.
            return Register(lease.Instance with { Metadata = merged }, isReplication: false, checkLimits: false);
        }
    }

    /// <summary>Stores a peer's override for an id unless the same one is already stored (UNKNOWN means none).</summary>
    public void StoreOverrideIfRequired(string id, InstanceStatus status)
    {
        lock (_gate)
        {
            StoreOverrideIfRequiredLocked(id, status);
        }
    }

    /// <summary>
    /// Cancels expired leases and returns the ids evicted. <paramref name="additionalLeaseMs"/> is
    /// extra grace (how late this eviction run is). At most the share of the registry above
    /// the renewal threshold (15 % with 0.85) goes per run, chosen at random among the expired,
    /// so that a partition cannot empty the registry in one pass.
    /// </summary>
    public IReadOnlyList<string> EvictExpired(long additionalLeaseMs = 0, Random? random = null)
    {
        lock (_gate)
        {
            var now = Now;
            var expired = _apps
                .SelectMany(app => app.Value.Values.Where(l => l.IsExpired(now, additionalLeaseMs)).Select(l => (App: app.Key, l.Instance.InstanceId)))
                .ToList();
            var size = _apps.Values.Sum(a => a.Count);
            var limit = size - (int)(size * _renewalPercentThreshold);
            var toEvict = Math.Min(expired.Count, limit);
            random ??= Random.Shared;
            var evicted = new List<string>(toEvict);
            for (var i = 0; i < toEvict; i++)
            {
                // Partial Fisher-Yates: a random pick among the expired leases not yet taken.
                var pick = i + random.Next(expired.Count - i);
                (expired[i], expired[pick]) = (expired[pick], expired[i]);
                var (app, id) = expired[i];
                if (CancelLocked(app, id, now))
                {
                    evicted.Add(id);
                }
            }
            return evicted;
        }
    }

    /// <summary>The full registry, every status, expired-but-not-evicted leases included (as Eureka does).</summary>
    public RegistrySnapshot GetApplications()
    {
        lock (_gate)
        {
            var instances = AllViews();
            return new RegistrySnapshot(instances, "1", EurekaJson.ReconcileHashCode(instances), _version);
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
            var validUntil = _recentChanges.TryPeek(out var oldest) ? oldest.Timestamp + _deltaRetentionMs + 1 : long.MaxValue;
            return new RegistrySnapshot([.. latest.Values], _deltaVersion.ToString(CultureInfo.InvariantCulture), hashCode, _version, validUntil);
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

    /// <summary>
    /// Instances whose VIP (or secure VIP) address list contains <paramref name="vipAddress"/>
    /// (comma-separated, compared whole and case-sensitively, as Eureka does); <c>versions__delta</c> is -1.
    /// </summary>
    public RegistrySnapshot GetByVipAddress(string vipAddress, bool secure)
    {
        lock (_gate)
        {
            var instances = AllViews().Where(i => ContainsVip(secure ? i.SecureVipAddress : i.VipAddress, vipAddress)).ToList();
            return new RegistrySnapshot(instances, "-1", EurekaJson.ReconcileHashCode(instances), _version);
        }
    }

    /// <summary>One instance, or null when it is unknown or its lease has expired (while eviction is enabled).</summary>
    public EurekaInstance? GetInstance(string appName, string id)
    {
        lock (_gate)
        {
            return FindLease(appName, id) is { } lease && IsVisible(lease, Now) ? lease.ToView() : null;
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
                if (leases.TryGetValue(id, out var lease) && IsVisible(lease, now))
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
                .SelectMany(a => a.Value.Values.OrderBy(l => l.Instance.InstanceId, StringComparer.Ordinal))
                .Select(l => new LeaseInfoSnapshot(l.ToView(), l.LastRenewalTimestamp, l.IsExpired(now)))];
        }
    }

    private Lease? FindInOtherApp(string appName, string id)
    {
        var upper = appName.ToUpperInvariant();
        foreach (var (app, leases) in _apps)
        {
            if (app != upper && leases.TryGetValue(id, out var lease))
            {
                return lease;
            }
        }
        return null;
    }

    private static bool MovesEndpoint(EurekaInstance stored, EurekaInstance incoming) =>
        !string.Equals(stored.HostName, incoming.HostName, StringComparison.OrdinalIgnoreCase)
        || !string.Equals(stored.IpAddress, incoming.IpAddress, StringComparison.OrdinalIgnoreCase)
        || stored.Port != incoming.Port;

    private static bool ContainsVip(string? list, string vip) =>
        list is not null && list.Split(',', StringSplitOptions.TrimEntries).Contains(vip, StringComparer.Ordinal);

    // While self-preservation holds eviction back, expired leases stay readable too (Eureka ties both to one flag).
    private bool IsVisible(Lease lease, long now) => !lease.IsExpired(now) || (lease.EvictionTimestamp == 0 && !_selfPreservation.IsLeaseExpirationEnabled);

    private Lease? FindLease(string appName, string id) =>
        _apps.TryGetValue(appName.ToUpperInvariant(), out var leases) && leases.TryGetValue(id, out var lease) ? lease : null;

    private void StoreOverrideIfRequiredLocked(string id, InstanceStatus status)
    {
        if (status != InstanceStatus.Unknown && (!_overrides.TryGetValue(id, out var current) || current != status))
        {
            _overrides[id] = status;
        }
    }

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
        _selfPreservation.ClientCancelled();
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
        Volatile.Write(ref _version, _version + 1);
        _appVersions[lease.Instance.AppName] = _version;
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
