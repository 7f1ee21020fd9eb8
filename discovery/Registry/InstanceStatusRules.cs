using EStore.Platform.Discovery;

namespace EStore.Discovery.Registry;

/// <summary>
/// Eureka's override rule chain: which status the registry stores for a record, given the
/// status the instance reported, an operator override and the lease that already exists.
/// </summary>
internal static class InstanceStatusRules
{
    /// <param name="record">The incoming (register) or stored (renew) record.</param>
    /// <param name="existingStatus">Status of the lease already in the registry, if any.</param>
    /// <param name="statusOverride">Operator override stored for the instance id, if any.</param>
    /// <param name="isReplication">True for requests replicated from a peer (they skip the lease rule).</param>
    public static InstanceStatus Effective(EurekaInstance record, InstanceStatus? existingStatus, InstanceStatus? statusOverride, bool isReplication)
    {
        // DOWN, STARTING and UNKNOWN are the instance's own business: an override never hides them.
        if (record.Status is not (InstanceStatus.Up or InstanceStatus.OutOfService))
        {
            return record.Status;
        }
        if (statusOverride is { } overridden)
        {
            return overridden;
        }
        // A client re-registering as UP must not clear an admin OUT_OF_SERVICE (and cannot take itself out that way).
        if (!isReplication && existingStatus is InstanceStatus.Up or InstanceStatus.OutOfService)
        {
            return existingStatus.Value;
        }
        return record.Status;
    }
}
