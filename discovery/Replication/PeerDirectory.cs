using EStore.Discovery.Registry;
using EStore.Platform.Discovery;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Replication;

/// <summary>
/// The other discovery nodes: the <c>Eureka:Client:ServiceUrl</c> list minus this node (recognised
/// by <c>Discovery:MyUrl</c> or by host and port against the addresses the server bound).
/// The list follows configuration reloads. Resolved on first use, which comes after Kestrel
/// has bound (the first request, or the startup sync), so port 0 is handled.
/// </summary>
public sealed class PeerDirectory(
    IOptionsMonitor<EurekaClientOptions> clientOptions,
    IOptions<DiscoveryServerOptions> serverOptions,
    IServer server,
    IHttpClientFactory httpClients,
    ReplicationFeedback feedback,
    TimeProvider time,
    ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>Name of the HttpClient used for replication and the startup sync.</summary>
    public const string HttpClientName = "discovery-peers";

    private readonly Lock _gate = new();
    private readonly List<PeerNode> _retired = [];
    private IReadOnlyList<PeerNode> _nodes = [];
    private string? _resolvedFrom;

    /// <summary>The peer nodes.</summary>
    public IReadOnlyList<PeerNode> Nodes
    {
        get
        {
            var serviceUrl = clientOptions.CurrentValue.ServiceUrl ?? "";
            var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            // Keyed by the bound addresses too: they are known only once Kestrel has bound.
            var key = serviceUrl + "|" + string.Join(",", bound);
            lock (_gate)
            {
                if (_resolvedFrom != key)
                {
                    Resolve(serviceUrl, bound);
                    _resolvedFrom = key;
                }
                return _nodes;
            }
        }
    }

    /// <summary>Sends <paramref name="item"/> to every peer.</summary>
    public void Replicate(ReplicationItem item, TimeSpan timeToLive)
    {
        foreach (var node in Nodes)
        {
            node.Enqueue(item, timeToLive);
        }
    }

    /// <summary>Stops every node's sending loop.</summary>
    public async ValueTask DisposeAsync()
    {
        List<PeerNode> all;
        lock (_gate)
        {
            all = [.. _nodes, .. _retired];
            _nodes = [];
            _retired.Clear();
        }
        foreach (var node in all)
        {
            await node.DisposeAsync();
        }
    }

    private void Resolve(string serviceUrl, IReadOnlyList<string> bound)
    {
        var myUrl = serverOptions.Value.MyUrl;
        var urls = new EurekaClientOptions { ServiceUrl = serviceUrl }.ServiceUrls
            .Where(u => !SelfUrlMatcher.IsMyself(u, myUrl, bound))
            .DistinctBy(u => u.AbsoluteUri)
            .ToList();
        // Compared with userinfo (Uri equality ignores it): a changed peer secret makes a new node.
        var kept = _nodes.Where(n => urls.Any(u => u.AbsoluteUri == n.ConfiguredUrl.AbsoluteUri)).ToList();
        // Removed nodes stop when the directory is disposed; their loops idle meanwhile.
        _retired.AddRange(_nodes.Except(kept));
        var logger = loggers.CreateLogger<PeerNode>();
        var http = httpClients.CreateClient(HttpClientName);
        _nodes = [.. urls.Select(u => kept.FirstOrDefault(n => n.ConfiguredUrl.AbsoluteUri == u.AbsoluteUri)
            ?? new PeerNode(u, http, serverOptions.Value.Peers, time, feedback, logger))];
        var directoryLogger = loggers.CreateLogger<PeerDirectory>();
        directoryLogger.LogInformation("Discovery peers: {Peers}", _nodes.Count == 0 ? "none" : string.Join(", ", _nodes.Select(n => n.ServiceUrl)));
        foreach (var node in _nodes.Where(n => n.Authorization is null))
        {
            // Said once here rather than as a 401 per batch: the fix is in this node's configuration.
            directoryLogger.LogWarning("Peer {Peer} has no credential in its URL (http://discovery:SECRET@host/eureka/); a peer with security on refuses its replication", node.ServiceUrl);
        }
    }
}
