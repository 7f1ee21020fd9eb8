using EStore.Discovery.Registry;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Replication;

/// <summary>
/// The registry operations as clients and peers invoke them: applies each one locally, then
/// forwards it to every peer unless it arrived from a peer (replication is exactly one hop,
/// so nothing bounces back). Single REST calls and batch items share this one code path.
/// </summary>
public sealed class ReplicatingRegistry(InstanceRegistry registry, PeerDirectory peers, IOptions<DiscoveryServerOptions> options)
{
    private TimeSpan MaxTimeForReplication => TimeSpan.FromSeconds(Math.Max(1, options.Value.Peers.MaxTimeForReplicationSeconds));

    /// <summary>Registers; a local registration is replicated as Register.</summary>
    public RegisterResult Register(EurekaInstance instance, bool isReplication)
    {
        var result = registry.Register(instance, isReplication);
        if (!isReplication && !result.Refused)
        {
            peers.Replicate(ReplicationItem.Register(result.Instance), RenewalTtl(result.Instance));
        }
        return result;
    }

    /// <summary>Renews; a renewed lease is replicated as Heartbeat (with our dirty stamp and override).</summary>
    public RenewResult Renew(string appName, string id, long? lastDirtyTimestamp, bool isReplication, InstanceStatus? overriddenStatus = null)
    {
        var result = registry.Renew(appName, id, lastDirtyTimestamp, isReplication, overriddenStatus);
        if (!isReplication && result is { LeaseRenewed: true, Instance: { } stored })
        {
            peers.Replicate(ReplicationItem.Heartbeat(stored), RenewalTtl(stored));
        }
        return result;
    }

    /// <summary>Cancels; replicated when the instance was known.</summary>
    public bool Cancel(string appName, string id, bool isReplication)
    {
        var cancelled = registry.Cancel(appName, id);
        if (cancelled && !isReplication)
        {
            peers.Replicate(ReplicationItem.Cancel(appName, id), MaxTimeForReplication);
        }
        return cancelled;
    }

    /// <summary>Sets a status override; replicated as StatusUpdate.</summary>
    public EurekaInstance? SetStatusOverride(string appName, string id, InstanceStatus status, long? lastDirtyTimestamp, bool isReplication)
    {
        var stored = registry.SetStatusOverride(appName, id, status, lastDirtyTimestamp);
        if (stored is not null && !isReplication)
        {
            peers.Replicate(ReplicationItem.StatusUpdate(stored, status), MaxTimeForReplication);
        }
        return stored;
    }

    /// <summary>Removes a status override; replicated as DeleteStatusOverride.</summary>
    public EurekaInstance? RemoveStatusOverride(string appName, string id, InstanceStatus fallback, long? lastDirtyTimestamp, bool isReplication)
    {
        var stored = registry.RemoveStatusOverride(appName, id, fallback, lastDirtyTimestamp);
        if (stored is not null && !isReplication)
        {
            peers.Replicate(ReplicationItem.DeleteStatusOverride(stored, fallback), MaxTimeForReplication);
        }
        return stored;
    }

    /// <summary>Merges metadata into the record; replicated as Register, like Eureka.</summary>
    public RegisterResult? UpdateMetadata(string appName, string id, IReadOnlyDictionary<string, string> metadata, bool isReplication)
    {
        var result = registry.UpdateMetadata(appName, id, metadata);
        if (result is { Refused: false } && !isReplication)
        {
            peers.Replicate(ReplicationItem.Register(result.Instance), RenewalTtl(result.Instance));
        }
        return result;
    }

    /// <summary>Applies one item of a peer's batch and returns what the single request would have answered.</summary>
    public ReplicationResult Apply(ReplicationItem? item)
    {
        if (item is null)
        {
            return new ReplicationResult(StatusCodes.Status400BadRequest);
        }
        switch (item.Action)
        {
            case ReplicationAction.Register:
                Register(item.Instance! with { AppName = item.AppName, InstanceId = item.Id }, isReplication: true);
                return new ReplicationResult(StatusCodes.Status200OK);
            case ReplicationAction.Heartbeat:
                var renewed = Renew(item.AppName, item.Id, item.LastDirtyTimestamp, isReplication: true, item.OverriddenStatus);
                return renewed.Outcome switch
                {
                    RenewOutcome.Renewed => new ReplicationResult(StatusCodes.Status200OK),
                    RenewOutcome.Conflict => new ReplicationResult(StatusCodes.Status409Conflict, renewed.Instance),
                    _ => new ReplicationResult(StatusCodes.Status404NotFound),
                };
            case ReplicationAction.Cancel:
                return Found(Cancel(item.AppName, item.Id, isReplication: true));
            case ReplicationAction.StatusUpdate when item.Status is { } status:
                return Found(SetStatusOverride(item.AppName, item.Id, status, item.LastDirtyTimestamp, isReplication: true) is not null);
            case ReplicationAction.DeleteStatusOverride:
                return Found(RemoveStatusOverride(item.AppName, item.Id, item.Status ?? InstanceStatus.Unknown, item.LastDirtyTimestamp, isReplication: true) is not null);
            default:
                return new ReplicationResult(StatusCodes.Status400BadRequest);
        }
    }

    private static ReplicationResult Found(bool found) => new(found ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);

    // Register and Heartbeat items are worthless after one renewal interval: the next one supersedes them.
    private static TimeSpan RenewalTtl(EurekaInstance instance) => TimeSpan.FromSeconds(Math.Max(1, instance.RenewalIntervalSeconds));
}
