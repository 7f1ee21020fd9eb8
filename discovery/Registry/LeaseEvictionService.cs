using Microsoft.Extensions.Options;

namespace EStore.Discovery.Registry;

/// <summary>
/// Evicts leases that were not renewed in time, every <c>Discovery:EvictionIntervalSeconds</c>
/// (default 60 s), unless self-preservation holds eviction back. Each eviction is a local
/// cancel (never replicated: every node evicts on its own), shown in deltas as DELETED.
/// </summary>
public sealed class LeaseEvictionService(
    InstanceRegistry registry,
    SelfPreservationMonitor selfPreservation,
    TimeProvider time,
    IOptions<DiscoveryServerOptions> options,
    ILogger<LeaseEvictionService> logger) : BackgroundService
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.EvictionIntervalSeconds));
    private PeriodicTimer? _timer;
    private long _lastRun;
    private long _completedPasses;
    private bool _heldBack;

    /// <summary>How many eviction passes have finished (lets tests wait for a tick).</summary>
    public long CompletedPasses => Interlocked.Read(ref _completedPasses);

    /// <summary>Which leases to evict when only some of the expired ones may go; replaceable for tests.</summary>
    internal Random Random { get; set; } = Random.Shared;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Start the schedule here, not in ExecuteAsync: .NET 10 runs ExecuteAsync on a background
        // thread, and the first tick must be measured from host start.
        _timer = new PeriodicTimer(_interval, time);
        _lastRun = time.GetTimestamp();
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
            var state = selfPreservation.Snapshot();
            if (!state.LeaseExpirationEnabled)
            {
                if (!_heldBack)
                {
                    logger.LogWarning(
                        "Self-preservation: {Renews} renewals in the last minute do not exceed the threshold of {Threshold}; expired leases are kept",
                        state.RenewsLastMinute, state.RenewsThreshold);
                }
                _heldBack = true;
                return 0;
            }
            _heldBack = false;
            var evicted = registry.EvictExpired((long)compensation.TotalMilliseconds, Random);
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
