using EStore.Platform.Errors;
using EStore.Platform.Security;

namespace EStore.Order.Apis;

/// <summary><c>/api/orders</c>: order-service's endpoints, every one for signed-in callers.</summary>
public static class OrderApi
{
    public static IEndpointRouteBuilder MapOrderApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/orders").WithTags("Order")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        // Map the service's endpoints on the group here.

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }
}
