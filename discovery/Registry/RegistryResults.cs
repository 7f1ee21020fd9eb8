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

    /// <summary>The client's dirty stamp lies too far in the future (400).</summary>
    Invalid,
}

/// <summary>What a heartbeat did.</summary>
/// <param name="Outcome">The answer for the caller.</param>
/// <param name="LeaseRenewed">True when the lease was renewed (even if the answer is 404 or 409 afterwards); only then is it replicated.</param>
/// <param name="Instance">The stored record after the renewal, when the instance exists.</param>
public sealed record RenewResult(RenewOutcome Outcome, bool LeaseRenewed, EurekaInstance? Instance);

/// <summary>What a registration did.</summary>
/// <param name="Instance">The record now stored (the incoming one, or the existing one when that was newer or the registration was refused).</param>
/// <param name="IsNew">True when no lease existed for the id before.</param>
/// <param name="RefusedStatus">The HTTP status of a refusal (400, 409); null when the registration was applied.</param>
/// <param name="RefusedReason">Why it was refused, as plain text for the client.</param>
public sealed record RegisterResult(EurekaInstance Instance, bool IsNew, int? RefusedStatus = null, string? RefusedReason = null)
{
    /// <summary>True when nothing was stored.</summary>
    public bool Refused => RefusedStatus is not null;

    internal static RegisterResult Refuse(EurekaInstance instance, int status, string reason) => new(instance, false, status, reason);
}

/// <summary>An applications document's content: instances plus <c>versions__delta</c> and <c>apps__hashcode</c>.</summary>
/// <param name="Instances">Every instance in the document.</param>
/// <param name="VersionsDelta">The <c>versions__delta</c> value.</param>
/// <param name="HashCode">The <c>apps__hashcode</c> value.</param>
/// <param name="Stamp">The registry version the snapshot was taken at (see <see cref="InstanceRegistry.Version"/>).</param>
/// <param name="ValidUntil">Epoch ms after which the content is stale without any change (delta entries age out).</param>
public sealed record RegistrySnapshot(IReadOnlyList<EurekaInstance> Instances, string VersionsDelta, string HashCode, long Stamp = 0, long ValidUntil = long.MaxValue);

/// <summary>A lease as the dashboard shows it.</summary>
/// <param name="Instance">The record as clients see it.</param>
/// <param name="LastHeartbeatTimestamp">When the last heartbeat (or the registration) arrived.</param>
/// <param name="IsExpired">True when the lease has run out but has not been evicted yet.</param>
public sealed record LeaseInfoSnapshot(EurekaInstance Instance, long LastHeartbeatTimestamp, bool IsExpired);
