using EStore.Gateway.Pipeline;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace EStore.Gateway.Routing;

/// <summary>
/// Feeds YARP: routes and cluster settings come from configuration (YARP's schema under
/// <c>ReverseProxy</c>), each cluster id naming a Eureka app; a cluster's destinations are
/// that app's UP instances, updated live whenever the registry cache changes.
/// Not Microsoft.Extensions.ServiceDiscovery.Yarp's <c>AddServiceDiscoveryDestinationResolver()</c>: it expands one
/// configured address per destination, so an app with no UP instance would either fail YARP's config load (our
/// Eureka provider refuses to resolve it) or fall through to a DNS lookup of the app name (a 502 instead of today's
/// 503 problem); destinations would be named <c>id[address]</c> rather than by Eureka instance id (what
/// <c>/actuator/gateway/routes</c> and YARP's passive health and affinity key on); and each instance's registered
/// health URL would be replaced by one rewritten address. YARP's own passive health already avoids failing instances.
/// </summary>
public sealed class DiscoveryProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IOptionsMonitor<GatewayPipelineOptions> _options;
    private readonly EurekaRegistryCache _registry;
    private readonly Lock _gate = new();
    private DiscoveryProxyConfig _current;

    public DiscoveryProxyConfigProvider(IConfiguration configuration, IOptionsMonitor<GatewayPipelineOptions> options, EurekaRegistryCache registry)
    {
        _configuration = configuration;
        _options = options;
        _registry = registry;
        _current = Build();
        _registry.Changed += Refresh;
    }

    public IProxyConfig GetConfig() => _current;

    /// <summary>The configuration YARP is using now.</summary>
    public DiscoveryProxyConfig Current => _current;

    public void Dispose() => _registry.Changed -= Refresh;

    private void Refresh()
    {
        DiscoveryProxyConfig previous;
        lock (_gate)
        {
            previous = _current;
            _current = Build();
        }
        // YARP swaps destinations without dropping requests already in flight.
        previous.SignalChange();
    }

    private DiscoveryProxyConfig Build()
    {
        var section = _configuration.GetSection("ReverseProxy");
        var requireAuthForPublicReads = _options.CurrentValue.RequireAuthForPublicReads;
        var routes = section.GetSection("Routes").GetChildren()
            .Select(r => GatewayRouteDefaults.Apply((r.Get<RouteConfig>() ?? new RouteConfig()) with { RouteId = r.Key }, requireAuthForPublicReads))
            .ToList();
        var clusterIds = routes.Select(r => r.ClusterId).OfType<string>()
            .Concat(section.GetSection("Clusters").GetChildren().Select(c => c.Key))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        var clusters = clusterIds.Select(id =>
        {
            var settings = section.GetSection("Clusters").GetSection(id).Get<ClusterConfig>() ?? new ClusterConfig();
            return settings with
            {
                ClusterId = id,
                Destinations = _registry.GetInstances(id).ToDictionary(
                    i => i.InstanceId,
                    i => new DestinationConfig
                    {
                        Address = i.BaseUri.ToString(),
                        // Active probes go to the registered health URL; without one, the actuator convention.
                        Health = i.HealthCheckUrl ?? new Uri(i.BaseUri, "actuator/health").ToString(),
                    },
                    StringComparer.OrdinalIgnoreCase),
            };
        }).ToList();
        return new DiscoveryProxyConfig(routes, clusters);
    }
}

/// <summary>One immutable snapshot of routes and clusters, with the token YARP watches for changes.</summary>
public sealed class DiscoveryProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
{
    private readonly CancellationTokenSource _changed = new();

    public IReadOnlyList<RouteConfig> Routes { get; } = routes;

    public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

    public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

    internal void SignalChange() => _changed.Cancel();
}
