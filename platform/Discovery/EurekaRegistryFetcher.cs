using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>
/// Keeps <see cref="EurekaRegistryCache"/> current: a full fetch first, then deltas every
/// <c>RegistryFetchIntervalSeconds</c>, each checked against the server's reconcile hash code
/// (a mismatch means a missed change: fetch everything again).
/// </summary>
internal sealed partial class EurekaRegistryFetcher(
    EurekaHttpClient client,
    EurekaRegistryCache cache,
    IOptions<EurekaClientOptions> options,
    TimeProvider time,
    ILogger<EurekaRegistryFetcher> logger) : BackgroundService
{
    private readonly Dictionary<(string App, string Id), EurekaInstance> _working = [];
    private bool _haveFullRegistry;
    private DateTimeOffset? _emptySince;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ShouldFetchRegistry)
        {
            return;
        }
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.RegistryFetchIntervalSeconds));
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FetchAsync(stoppingToken);
                if (failing)
                {
                    LogRecovered();
                    failing = false;
                }
            }
            catch (HttpRequestException ex)
            {
                cache.RecordFailure(ex.Message);
                // One warning per outage, not one per fetch.
                if (!failing)
                {
                    LogFetchFailed(ex.Message);
                    failing = true;
                }
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One fetch cycle; internal so tests can drive it without the timer.</summary>
    internal async Task FetchAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DisableDelta || !_haveFullRegistry || !await TryApplyDeltaAsync(cancellationToken))
        {
            var full = await client.GetApplicationsAsync(cancellationToken);
            if (IsSuspiciouslyEmpty(full))
            {
                return;
            }
            _working.Clear();
            foreach (var instance in full.Instances)
            {
                _working[(instance.AppName, instance.InstanceId)] = instance;
            }
            _haveFullRegistry = true;
        }
        cache.Update(_working.Values, time.GetUtcNow());
    }

    private async Task<bool> TryApplyDeltaAsync(CancellationToken cancellationToken)
    {
        EurekaApplications delta;
        try
        {
            delta = await client.GetDeltaAsync(cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is not null)
        {
            // The server answered but serves no delta (disabled, or warming up): use the full registry.
            return false;
        }
        var next = new Dictionary<(string App, string Id), EurekaInstance>(_working);
        foreach (var change in delta.Instances)
        {
            var key = (change.AppName, change.InstanceId);
            if (change.ActionType == EurekaActionType.Deleted)
            {
                next.Remove(key);
            }
            else
            {
                next[key] = change;
            }
        }
        if (EurekaJson.ReconcileHashCode(next.Values) != delta.HashCode)
        {
            LogReconcileMismatch(delta.HashCode);
            return false;
        }
        _working.Clear();
        foreach (var (key, instance) in next)
        {
            _working[key] = instance;
        }
        return true;
    }

    // A discovery server that restarted answers with an empty registry until the instances
    // re-register (one renewal interval). Adopting it would make every caller lose every
    // destination at once, so an empty answer replaces a non-empty registry only once it has
    // stayed empty for the grace period.
    private bool IsSuspiciouslyEmpty(EurekaApplications full)
    {
        if (full.Instances.Count > 0 || _working.Count == 0)
        {
            _emptySince = null;
            return false;
        }
        var now = time.GetUtcNow();
        _emptySince ??= now;
        if (now - _emptySince.Value >= TimeSpan.FromSeconds(options.Value.EmptyRegistryGraceSeconds))
        {
            _emptySince = null;
            return false;
        }
        LogIgnoringEmptyRegistry(_working.Count);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry fetch failed, keeping the last known registry: {Error}")]
    private partial void LogFetchFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry fetch works again")]
    private partial void LogRecovered();

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry delta does not reconcile (server hash {HashCode}); fetching the full registry")]
    private partial void LogReconcileMismatch(string hashCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery answered an empty registry; keeping the {Count} known instances for now (did it restart?)")]
    private partial void LogIgnoringEmptyRegistry(int count);
}
