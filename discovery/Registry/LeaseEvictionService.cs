using Microsoft.Extensions.Options;

namespace EStore.Discovery.Registry;

/// <summary>
/// Evicts leases that were not renewed in time, every <c>Discovery:EvictionIntervalSeconds</c>
/// (default 60 s). Each eviction is a cancel, so it shows in deltas as DELETED.
/// </summary>
public sealed class LeaseEvictionService(
    InstanceRegistry registry,
    TimeProvider time,
    IOptions<DiscoveryServerOptions> options,
    ILogger<LeaseEvictionService> logger) : BackgroundService
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.EvictionIntervalSeconds));
    private PeriodicTimer? _timer;
    private long _lastRun;
    private long _completedPasses;

    /// <summary>How many eviction passes have finished (lets tests wait for a tick).</summary>
    public long CompletedPasses => Interlocked.Read(ref _completedPasses);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Start the schedule here, not in ExecuteAsync: .NET 10 runs ExecuteAsync on a background
        // thread, and the first tick must be measured from host start.
        _timer = new PeriodicTimer(_interval, time);
        _lastRun = time.GetTimestamp();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = _timer ?? new PeriodicTimer(_interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetTimestamp();
                // A late run (GC pause, suspended VM) adds its lateness as grace, like Eureka's
                // compensation: instances could not renew while the server itself was stalled.
                var lateness = time.GetElapsedTime(_lastRun, now) - _interval;
                _lastRun = now;
                RunPass(lateness > TimeSpan.Zero ? lateness : TimeSpan.Zero);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>One eviction pass; returns how many leases were evicted.</summary>
    public int RunPass(TimeSpan compensation)
    {
        try
        {
            var evicted = registry.EvictExpired((long)compensation.TotalMilliseconds);
            foreach (var id in evicted)
            {
                logger.LogInformation("Evicted expired lease {InstanceId}", id);
            }
            return evicted.Count;
        }
        catch (Exception ex)
        {
            // Keep the schedule alive: one failed pass must not stop eviction for good.
            logger.LogError(ex, "Lease eviction pass failed");
            return 0;
        }
        finally
        {
            Interlocked.Increment(ref _completedPasses);
        }
    }
}
