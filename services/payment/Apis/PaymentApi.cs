using EStore.Platform.Errors;
using EStore.Platform.Security;

namespace EStore.Payment.Apis;

/// <summary><c>/api/payment-methods</c>: payment-service's endpoints, every one for signed-in callers.</summary>
public static class PaymentApi
{
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/payment-methods").WithTags("Payment")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        // Map the service's endpoints on the group here.

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }
}
