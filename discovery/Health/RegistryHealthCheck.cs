using EStore.Discovery.Caching;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Discovery.Health;

/// <summary>
/// The <c>registry</c> component of <c>/actuator/health</c>: always UP while the server serves
/// (self-preservation and unreachable peers are conditions to see, not reasons to take the
/// registry out of traffic), with the figures an operator looks for in its details.
/// </summary>
internal sealed class RegistryHealthCheck(
    InstanceRegistry registry,
    SelfPreservationMonitor selfPreservation,
    PeerDirectory peers,
    RegistrySyncService sync,
    ResponseCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = selfPreservation.Snapshot();
        var leases = registry.GetLeases();
        var data = new Dictionary<string, object>
        {
            ["applications"] = leases.Select(l => l.Instance.AppName).Distinct(StringComparer.Ordinal).Count(),
            ["instances"] = leases.Count,
            ["selfPreservation"] = new Dictionary<string, object>
            {
                ["enabled"] = state.Enabled,
                ["active"] = state.Active,
                ["leaseExpirationEnabled"] = state.LeaseExpirationEnabled,
                ["expectedClients"] = state.ExpectedClients,
                ["renewsThreshold"] = state.RenewsThreshold,
                ["renewsLastMinute"] = state.RenewsLastMinute,
            },
            ["peers"] = peers.Nodes.Select(n => n.Status()).Select(s => new Dictionary<string, object?>
            {
                ["url"] = s.ServiceUrl.ToString(),
                ["reachable"] = s.Reachable,
                ["lastSuccess"] = s.LastSuccess,
                ["lastFailure"] = s.LastFailure,
                ["lastError"] = s.LastError,
                ["pending"] = s.Pending,
            }).ToList(),
            ["responseCache"] = new Dictionary<string, object> { ["hits"] = cache.Hits, ["misses"] = cache.Misses },
        };
        if (sync.Outcome is { } outcome)
        {
            data["startupSync"] = outcome.Peer is { } peer ? $"{outcome.Instances} instances from {peer}" : $"nothing copied ({outcome.Error})";
        }
        var description = state.Active
            ? "Self-preservation: renewals are below the threshold; expired leases are kept"
            : null;
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
