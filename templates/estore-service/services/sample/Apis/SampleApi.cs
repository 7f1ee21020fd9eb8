using EStore.Platform.Errors;
using EStore.Platform.Security;

namespace EStore.Sample.Apis;

/// <summary><c>/api/route-prefix</c>: sample-service's endpoints, every one for signed-in callers.</summary>
public static class SampleApi
{
    public static IEndpointRouteBuilder MapSampleApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/route-prefix").WithTags("Sample")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        // Map the service's endpoints on the group here.

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }
}
