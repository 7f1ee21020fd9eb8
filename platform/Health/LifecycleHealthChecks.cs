using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Health;

/// <summary>Liveness: the process runs and can answer. Broken only if the host itself failed.</summary>
internal sealed class LivenessStateHealthCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("CORRECT"));
}

/// <summary>
/// Readiness: ACCEPTING_TRAFFIC once the host has started and until it begins stopping;
/// otherwise OUT_OF_SERVICE so load balancers drain the instance.
/// </summary>
internal sealed class ReadinessStateHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(new HealthCheckResult(HealthStatus.Unhealthy, "REFUSING_TRAFFIC", data: ActuatorStatus.OutOfServiceData("stopping")));
        }
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(new HealthCheckResult(HealthStatus.Unhealthy, "REFUSING_TRAFFIC", data: ActuatorStatus.OutOfServiceData("starting")));
        }
        return Task.FromResult(HealthCheckResult.Healthy("ACCEPTING_TRAFFIC"));
    }
}
