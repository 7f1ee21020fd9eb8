using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>Fetches the registry on start and then every <c>RegistryFetchIntervalSeconds</c>.</summary>
internal sealed partial class EurekaRegistryFetcher(
    EurekaHttpClient client,
    EurekaRegistryCache cache,
    IOptions<EurekaClientOptions> options,
    TimeProvider time,
    ILogger<EurekaRegistryFetcher> logger) : BackgroundService
{
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
                var registry = await client.GetApplicationsAsync(stoppingToken);
                cache.Update(registry.Instances, time.GetUtcNow());
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry fetch failed, keeping the last known registry: {Error}")]
    private partial void LogFetchFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry fetch works again")]
    private partial void LogRecovered();
}
