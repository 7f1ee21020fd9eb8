using EStore.Platform.Security;
using Yarp.ReverseProxy.Configuration;

namespace EStore.Gateway.Routing;

/// <summary>
/// Secure defaults applied to every configured route: a route that names no authorization policy
/// needs a valid token, a route that names no rate limiter gets the per-user limit, and public-read
/// routes (metadata <c>PublicRead: true</c>) turn authenticated when <c>Gateway:RequireAuthForPublicReads</c> is set.
/// </summary>
public static class GatewayRouteDefaults
{
    /// <summary>The route metadata key marking reads that are public unless <c>Gateway:RequireAuthForPublicReads</c> is set.</summary>
    public const string PublicReadMetadataKey = "PublicRead";

    /// <summary>YARP's reserved name for "no authorization".</summary>
    public const string Anonymous = "Anonymous";

    /// <summary>The route with the gateway's defaults filled in.</summary>
    public static RouteConfig Apply(RouteConfig route, bool requireAuthForPublicReads)
    {
        var isPublicRead = route.Metadata?.TryGetValue(PublicReadMetadataKey, out var flag) == true
            && string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);
        var policy = isPublicRead && requireAuthForPublicReads
            ? AuthorizationPolicies.Authenticated
            : route.AuthorizationPolicy ?? AuthorizationPolicies.Authenticated;
        return route with
        {
            AuthorizationPolicy = policy,
            RateLimiterPolicy = route.RateLimiterPolicy ?? GatewayRateLimits.PerUserPolicy,
        };
    }
}
