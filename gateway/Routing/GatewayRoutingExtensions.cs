using Yarp.ReverseProxy.Configuration;

namespace EStore.Gateway.Routing;

public static class GatewayRoutingExtensions
{
    /// <summary>Adds YARP with routes from configuration and destinations from Eureka.</summary>
    public static WebApplicationBuilder AddDiscoveryRoutedProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DiscoveryProxyConfigProvider>();
        builder.Services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<DiscoveryProxyConfigProvider>());
        builder.Services.AddReverseProxy();
        return builder;
    }

    /// <summary><c>GET /actuator/gateway/routes</c>: the live routes and each cluster's destinations.</summary>
    public static WebApplication MapGatewayActuator(this WebApplication app)
    {
        app.MapGet("/actuator/gateway/routes", (DiscoveryProxyConfigProvider provider) =>
        {
            var config = provider.Current;
            return Results.Json(new
            {
                routes = config.Routes.Select(r => new { routeId = r.RouteId, path = r.Match.Path, methods = r.Match.Methods, clusterId = r.ClusterId }),
                clusters = config.Clusters.Select(c => new
                {
                    clusterId = c.ClusterId,
                    loadBalancingPolicy = c.LoadBalancingPolicy,
                    destinations = (c.Destinations ?? new Dictionary<string, DestinationConfig>())
                        .Select(d => new { id = d.Key, address = d.Value.Address }),
                }),
            });
        }).ExcludeFromDescription();
        return app;
    }
}
