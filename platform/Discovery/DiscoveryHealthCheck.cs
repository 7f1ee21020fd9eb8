using EStore.Platform.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>
/// The <c>discovery</c> health component. An unreachable discovery server makes it UNKNOWN,
/// not DOWN: the instance itself still serves, and marking it DOWN would take healthy
/// instances out of traffic during a discovery outage.
/// </summary>
internal sealed class DiscoveryHealthCheck(EurekaRegistrar registrar, EurekaRegistryCache cache, PassiveInstanceHealth passiveHealth, IOptions<EurekaClientOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["serviceUrls"] = EurekaUrlCredentials.Redact(options.Value.ServiceUrl) };
        if (registrar.Registered is { } instance)
        {
            data["instanceId"] = instance.InstanceId;
        }
        if (cache.LastSuccessfulFetch is { } fetched)
        {
            data["lastRegistryFetch"] = fetched;
            data["applications"] = cache.Applications.Count;
        }
        if (passiveHealth.SuspectInstanceIds is { Count: > 0 } suspects)
        {
            data["avoidedInstances"] = suspects;
        }
        var error = registrar.LastError ?? cache.LastError;
        if (error is not null)
        {
            data[ActuatorStatus.DataKey] = ActuatorStatus.Unknown;
            data["error"] = error;
            return Task.FromResult(HealthCheckResult.Degraded("discovery server unreachable; using the last known registry", data: data));
        }
        if (registrar.Enabled && registrar.Registered is null)
        {
            data[ActuatorStatus.DataKey] = ActuatorStatus.Unknown;
            return Task.FromResult(HealthCheckResult.Degraded("not registered yet", data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy(data: data));
    }
}
