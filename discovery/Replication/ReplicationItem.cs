using EStore.Platform.Discovery;

namespace EStore.Discovery.Replication;

/// <summary>The five instance actions peers replicate (wire names are these, in Pascal case).</summary>
public enum ReplicationAction
{
    /// <summary>Register or re-register (also metadata updates); carries the whole instance.</summary>
    Register,

    /// <summary>Renew, with the sender's dirty stamp, status and override.</summary>
    Heartbeat,

    /// <summary>De-register.</summary>
    Cancel,

    /// <summary>Set a status override; <see cref="ReplicationItem.Status"/> is the new status.</summary>
    StatusUpdate,

    /// <summary>Remove a status override; <see cref="ReplicationItem.Status"/> is the fallback status.</summary>
    DeleteStatusOverride,
}

/// <summary>One entry of a <c>peerreplication/batch</c> request.</summary>
/// <param name="Action">What to do.</param>
/// <param name="AppName">Upper-case app name.</param>
/// <param name="Id">Instance id.</param>
/// <param name="LastDirtyTimestamp">The sender's version stamp of the record (absent for Cancel).</param>
/// <param name="Status">The sender's status (see <see cref="ReplicationAction"/> for its meaning per action).</param>
/// <param name="OverriddenStatus">Heartbeat only: the sender's override, if any.</param>
/// <param name="Instance">Register only: the whole record.</param>
public sealed record ReplicationItem(
    ReplicationAction Action,
    string AppName,
    string Id,
    long? LastDirtyTimestamp = null,
    InstanceStatus? Status = null,
    InstanceStatus? OverriddenStatus = null,
    EurekaInstance? Instance = null)
{
    /// <summary>A newer item with the same key replaces a pending one (Eureka's task id).</summary>
    public string Key => $"{Action}#{AppName}/{Id}";

    /// <summary>A Register carrying the whole record.</summary>
    public static ReplicationItem Register(EurekaInstance instance) =>
        new(ReplicationAction.Register, instance.AppName, instance.InstanceId, instance.LastDirtyTimestamp, instance.Status, Instance: instance);

    /// <summary>A Heartbeat with the record's dirty stamp, status and override.</summary>
    public static ReplicationItem Heartbeat(EurekaInstance instance) =>
        new(ReplicationAction.Heartbeat, instance.AppName, instance.InstanceId, instance.LastDirtyTimestamp, instance.Status,
            instance.OverriddenStatus == InstanceStatus.Unknown ? null : instance.OverriddenStatus);

    /// <summary>A Cancel.</summary>
    public static ReplicationItem Cancel(string appName, string id) => new(ReplicationAction.Cancel, appName.ToUpperInvariant(), id);

    /// <summary>A StatusUpdate to <paramref name="status"/>.</summary>
    public static ReplicationItem StatusUpdate(EurekaInstance instance, InstanceStatus status) =>
        new(ReplicationAction.StatusUpdate, instance.AppName, instance.InstanceId, instance.LastDirtyTimestamp, status);

    /// <summary>A DeleteStatusOverride falling back to <paramref name="fallback"/>.</summary>
    public static ReplicationItem DeleteStatusOverride(EurekaInstance instance, InstanceStatus fallback) =>
        new(ReplicationAction.DeleteStatusOverride, instance.AppName, instance.InstanceId, instance.LastDirtyTimestamp, fallback);
}

/// <summary>One entry of a <c>peerreplication/batch</c> response, in request order.</summary>
/// <param name="StatusCode">The status the single request would have had.</param>
/// <param name="Entity">The receiver's newer record (Heartbeat 409).</param>
public sealed record ReplicationResult(int StatusCode, EurekaInstance? Entity = null);
