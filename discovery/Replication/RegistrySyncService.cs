using System.Text.Json;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Replication;

/// <summary>
/// A node that starts while its peers run copies their registry: once the server listens, it
/// fetches <c>GET {peer}apps/</c> from the first peer that answers and registers every instance
/// as a replication (so it is not sent back). Runs in the background: the node answers reads
/// and writes at once, and lease owners' heartbeats (404, then re-register) fill any gap.
/// </summary>
public sealed partial class RegistrySyncService(
    PeerDirectory peers,
    InstanceRegistry registry,
    IHttpClientFactory httpClients,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    IOptions<DiscoveryServerOptions> options,
    ILogger<RegistrySyncService> logger) : BackgroundService
{
    private readonly TaskCompletionSource<SyncOutcome> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the startup copy is done (or was given up).</summary>
    public Task<SyncOutcome> Completed => _completed.Task;

    /// <summary>The outcome, once known.</summary>
    public SyncOutcome? Outcome => _completed.Task.IsCompletedSuccessfully ? _completed.Task.Result : null;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken);
            _completed.TrySetResult(await SyncAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completed.TrySetResult(new SyncOutcome(null, 0, "stopped"));
        }
    }

    private async Task<SyncOutcome> SyncAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Peers;
        var nodes = peers.Nodes;
        if (!settings.SyncOnStartup || nodes.Count == 0)
        {
            return new SyncOutcome(null, 0, nodes.Count == 0 ? "no peers" : "disabled");
        }
        var http = httpClients.CreateClient(PeerDirectory.HttpClientName);
        string? lastError = null;
        for (var attempt = 0; attempt <= Math.Max(0, settings.RegistrySyncRetries); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, settings.RegistrySyncRetryWaitSeconds)), time, stoppingToken);
            }
            foreach (var node in nodes)
            {
                try
                {
                    var applications = await FetchAsync(http, node, stoppingToken);
                    foreach (var instance in applications.Instances)
                    {
                        registry.Register(instance, isReplication: true);
                    }
                    LogSynced(applications.Instances.Count, node.ServiceUrl);
                    return new SyncOutcome(node.ServiceUrl, applications.Instances.Count, null);
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    lastError = $"{node.ServiceUrl}: {ex.Message}";
                }
            }
        }
        LogSyncFailed(lastError ?? "no answer");
        return new SyncOutcome(null, 0, lastError);
    }

    private static async Task<EurekaApplications> FetchAsync(HttpClient http, PeerNode peer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(peer.ServiceUrl, "apps/"));
        request.Headers.Accept.ParseAdd("application/json");
        // Needed when the peer protects reads; harmless otherwise.
        request.Headers.Authorization = peer.Authorization;
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET apps/ answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return EurekaJson.ParseApplications(document.RootElement);
    }

    private async Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        // The peer list needs the bound addresses, known once the application has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Count} instances from peer {Peer}")]
    private partial void LogSynced(int count, Uri peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No peer answered the startup registry copy ({Error}); starting empty")]
    private partial void LogSyncFailed(string error);
}

/// <summary>How the startup copy went.</summary>
/// <param name="Peer">The peer copied from; null when none answered (or there are none).</param>
/// <param name="Instances">Instances copied.</param>
/// <param name="Error">Why nothing was copied, if so.</param>
public sealed record SyncOutcome(Uri? Peer, int Instances, string? Error);
