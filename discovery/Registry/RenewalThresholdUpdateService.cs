using Microsoft.Extensions.Options;

namespace EStore.Discovery.Registry;

/// <summary>
/// Every <c>Discovery:SelfPreservation:RenewalThresholdUpdateIntervalSeconds</c> (15 min) resets
/// the expected client count to the registry size, unless the registry shrank below the
/// threshold share (Eureka's renewal-threshold update task).
/// </summary>
public sealed class RenewalThresholdUpdateService(
    InstanceRegistry registry,
    SelfPreservationMonitor selfPreservation,
    TimeProvider time,
    IOptions<DiscoveryServerOptions> options,
    ILogger<RenewalThresholdUpdateService> logger) : BackgroundService
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.SelfPreservation.RenewalThresholdUpdateIntervalSeconds));
    private PeriodicTimer? _timer;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here so the first tick counts from host start (see LeaseEvictionService).
        _timer = new PeriodicTimer(_interval, time);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = _timer ?? new PeriodicTimer(_interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var count = registry.Count;
                if (selfPreservation.Recount(count))
                {
                    logger.LogDebug("Expected clients reset to {Count}", count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }
}
