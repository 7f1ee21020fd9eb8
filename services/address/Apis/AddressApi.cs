using EStore.Platform.Security;

namespace EStore.Address.Apis;

/// <summary><c>/api/addresses</c>: address-service's endpoints, every one for signed-in callers.</summary>
public static class AddressApi
{
    public static IEndpointRouteBuilder MapAddressApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/addresses").WithTags("Address")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        // Map the service's endpoints on the group here.

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one. Specific routes always win over this catch-all.
        group.MapFallback("{**path}", () => TypedResults.NotFound()).ExcludeFromDescription();
        return endpoints;
    }
}
