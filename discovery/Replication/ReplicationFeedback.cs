using EStore.Discovery.Registry;

namespace EStore.Discovery.Replication;

/// <summary>
/// The sender's reactions to a peer's per-item answers: a heartbeat the peer does not know
/// (404) is followed by a Register of our copy; a heartbeat the peer holds a newer record for
/// (409 with that record) makes us adopt the peer's record.
/// </summary>
public sealed partial class ReplicationFeedback(InstanceRegistry registry, ILogger<ReplicationFeedback> logger)
{
    /// <summary>Handles one item's result from <paramref name="node"/>.</summary>
    public void Handle(PeerNode node, ReplicationItem item, ReplicationResult result)
    {
        if (result.StatusCode is >= 200 and < 300)
        {
            return;
        }
        switch (item.Action)
        {
            case ReplicationAction.Heartbeat when result.StatusCode == StatusCodes.Status404NotFound:
                if (registry.GetInstance(item.AppName, item.Id) is { } ours)
                {
                    node.Enqueue(ReplicationItem.Register(ours), TimeSpan.FromSeconds(Math.Max(1, ours.RenewalIntervalSeconds)));
                }
                break;
            case ReplicationAction.Heartbeat when result.Entity is { } theirs:
                // The peer's record is newer: take it over, as a replication (it must not bounce back).
                registry.StoreOverrideIfRequired(theirs.InstanceId, theirs.OverriddenStatus);
                registry.Register(theirs, isReplication: true);
                LogAdopted(item.Id, node.ServiceUrl);
                break;
            default:
                LogItemRefused(item.Action, item.Id, node.ServiceUrl, result.StatusCode);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted the newer record of {InstanceId} from {Peer}")]
    private partial void LogAdopted(string instanceId, Uri peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Action} of {InstanceId} answered {Status} by {Peer}")]
    private partial void LogItemRefused(ReplicationAction action, string instanceId, Uri peer, int status);
}
