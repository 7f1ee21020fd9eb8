using EStore.Platform.Discovery;

namespace EStore.Discovery.Registry;

/// <summary>Outcome of a heartbeat.</summary>
public enum RenewOutcome
{
    /// <summary>The lease was renewed (200).</summary>
    Renewed,

    /// <summary>Unknown instance, or the client must re-register (404).</summary>
    NotFound,

    /// <summary>A peer's copy is older than ours (409 with our record; replication only).</summary>
    Conflict,
}

/// <summary>An applications document's content: instances plus <c>versions__delta</c> and <c>apps__hashcode</c>.</summary>
public sealed record RegistrySnapshot(IReadOnlyList<EurekaInstance> Instances, string VersionsDelta, string HashCode);

/// <summary>A lease as the dashboard shows it.</summary>
/// <param name="Instance">The record as clients see it.</param>
/// <param name="LastHeartbeatTimestamp">When the last heartbeat (or the registration) arrived.</param>
/// <param name="IsExpired">True when the lease has run out but has not been evicted yet.</param>
public sealed record LeaseInfoSnapshot(EurekaInstance Instance, long LastHeartbeatTimestamp, bool IsExpired);
