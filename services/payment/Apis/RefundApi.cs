using EStore.Payment.Dtos;
using EStore.Payment.Services;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EStore.Payment.Apis;

/// <summary><c>POST /api/payments/{id}/refunds</c>: a refund by an administrator or the owner of a shop in the payment.</summary>
public static class RefundApi
{
    public static IEndpointRouteBuilder MapRefundApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/payments").WithTags("Payments").RequireAuthorization(AuthorizationPolicies.Authenticated)
            .MapPost("/{id:guid}/refunds", RequestAsync);
        return endpoints;
    }

    // 202: stored, to be sent to the provider; the payments listing shows it settle.
    private static async Task<Results<Accepted<RefundDto>, ProblemResult>> RequestAsync(Guid id, RefundRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CurrentUser caller, RefundService refunds, CancellationToken cancellationToken) =>
        (await refunds.RequestAsync(id, caller, idempotencyKey, body, cancellationToken))
            .ToHttpResult(refund => TypedResults.Accepted((string?)null, refund));
}
