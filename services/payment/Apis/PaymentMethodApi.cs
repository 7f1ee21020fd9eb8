using System.Globalization;
using System.Text.Json;
using EStore.Payment.Dtos;
using EStore.Payment.Services;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Payment.Apis;

/// <summary><c>/api/payment-methods</c>: the caller's saved cards, every endpoint for signed-in callers, owner only.</summary>
public static class PaymentMethodApi
{
    public static IEndpointRouteBuilder MapPaymentMethodApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/payment-methods").WithTags("Payment methods")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapGet("", async (CurrentUser caller, PaymentMethodService methods, CancellationToken ct) =>
            TypedResults.Ok(await methods.ListAsync(caller, ct)));
        group.MapPost("", CreateAsync);
        group.MapGet("/{id:guid}", async (Guid id, CurrentUser caller, PaymentMethodService methods, CancellationToken ct) =>
            (await methods.GetAsync(id, caller, ct)).ToOk());
        group.MapDelete("/{id:guid}", async (Guid id, CurrentUser caller, PaymentMethodService methods, CancellationToken ct) =>
            (await methods.DeleteAsync(id, caller, ct)).ToNoContent());
        group.MapPut("/{id:guid}/default", async (Guid id, CurrentUser caller, PaymentMethodService methods, CancellationToken ct) =>
            (await methods.SetDefaultAsync(id, caller, ct)).ToOk());
        group.MapUnknownPaths();
        return endpoints;
    }

    // The body is read as JSON (not bound to a record) so that the reference's snake_case and camelCase both work
    // and every bad field is named in one 422.
    private static async Task<Results<Created<PaymentMethodDto>, ProblemResult, ProblemHttpResult>> CreateAsync(
        CurrentUser caller, JsonElement body, CreationLimiter limiter, PaymentMethodService methods, HttpContext http, CancellationToken cancellationToken)
    {
        if (limiter.TryTake(caller.Id) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem("Too many payment methods added; retry after the time in the Retry-After header.",
                statusCode: StatusCodes.Status429TooManyRequests);
        }
        var result = await methods.CreateAsync(caller, body, cancellationToken);
        return result.Error is { } error
            ? error.ToProblem()
            : TypedResults.Created($"/api/payment-methods/{result.Value!.Id}", result.Value);
    }
}
