using EStore.Platform.Security;
using Yarp.ReverseProxy.Configuration;

namespace EStore.Gateway.Routing;

/// <summary>
/// Secure defaults applied to every configured route: a route that names no authorization policy
/// needs a valid token, a route that names no rate limiter gets the per-user limit, and catalog
/// routes (metadata <c>Catalog: true</c>) turn authenticated when <c>Gateway:RequireAuthForCatalog</c> is set.
/// </summary>
public static class GatewayRouteDefaults
{
    /// <summary>The switch that makes catalog reads require a token.</summary>
    public const string RequireAuthForCatalogKey = "Gateway:RequireAuthForCatalog";

    /// <summary>The route metadata key marking public catalog reads.</summary>
    public const string CatalogMetadataKey = "Catalog";

    /// <summary>YARP's reserved name for "no authorization".</summary>
    public const string Anonymous = "Anonymous";

    /// <summary>The route with the gateway's defaults filled in.</summary>
    public static RouteConfig Apply(RouteConfig route, bool requireAuthForCatalog)
    {
        var isCatalog = route.Metadata?.TryGetValue(CatalogMetadataKey, out var flag) == true
            && string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);
        var policy = isCatalog && requireAuthForCatalog
            ? AuthorizationPolicies.Authenticated
            : route.AuthorizationPolicy ?? AuthorizationPolicies.Authenticated;
        return route with
        {
            AuthorizationPolicy = policy,
            RateLimiterPolicy = route.RateLimiterPolicy ?? GatewayRateLimits.PerUserPolicy,
        };
    }
}
