using EStore.Payment.Services;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;

namespace EStore.Payment.Apis;

/// <summary><c>/api/payments</c>: payments with their attempts, for their customer; administrators see all.</summary>
public static class PaymentApi
{
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/payments").WithTags("Payments")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapGet("", async (CurrentUser caller, PageQuery paging, Guid? orderId, Guid? userId, string? status,
            PaymentQueryService payments, CancellationToken ct) =>
            (await payments.ListAsync(caller, new PaymentFilter(orderId, userId, status), paging, ct)).ToOk());
        group.MapUnknownPaths();
        return endpoints;
    }
}
