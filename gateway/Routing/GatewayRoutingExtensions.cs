using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace EStore.Gateway.Routing;

public static class GatewayRoutingExtensions
{
    /// <summary>Adds YARP with routes from configuration and destinations from Eureka.</summary>
    public static IReverseProxyBuilder AddDiscoveryRoutedProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DiscoveryProxyConfigProvider>();
        builder.Services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<DiscoveryProxyConfigProvider>());
        builder.Services.AddHttpContextAccessor();
        var proxy = builder.Services.AddReverseProxy();
        // Registered after AddReverseProxy's default, so this one wins.
        builder.Services.AddSingleton<IForwarderHttpClientFactory, RetryingForwarderHttpClientFactory>();
        return proxy;
    }

    /// <summary><c>GET /actuator/gateway/routes</c>: the live routes and each cluster's destinations.</summary>
    public static WebApplication MapGatewayActuator(this WebApplication app)
    {
        app.MapGet("/actuator/gateway/routes", (DiscoveryProxyConfigProvider provider, IProxyStateLookup state) =>
        {
            var config = provider.Current;
            return Results.Json(new
            {
                routes = config.Routes.Select(r => new
                {
                    routeId = r.RouteId,
                    path = r.Match.Path,
                    methods = r.Match.Methods,
                    clusterId = r.ClusterId,
                    authorizationPolicy = r.AuthorizationPolicy,
                    rateLimiterPolicy = r.RateLimiterPolicy,
                }),
                clusters = config.Clusters.Select(c => new
                {
                    clusterId = c.ClusterId,
                    loadBalancingPolicy = c.LoadBalancingPolicy,
                    destinations = (c.Destinations ?? new Dictionary<string, DestinationConfig>())
                        .Select(d => new { id = d.Key, address = d.Value.Address, health = Health(state, c.ClusterId, d.Key) }),
                }),
            });
        }).ExcludeFromDescription();
        return app;
    }

    // What active probing and passive observation think of a destination right now.
    private static object? Health(IProxyStateLookup state, string clusterId, string destinationId) =>
        state.TryGetCluster(clusterId, out var cluster) && cluster.Destinations.TryGetValue(destinationId, out var destination)
            ? new { active = destination.Health.Active.ToString(), passive = destination.Health.Passive.ToString() }
            : null;
}
