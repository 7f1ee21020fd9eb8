using EStore.Payment.Services;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;

using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Payment.Apis;

/// <summary><c>/api/payments</c>: payments with their attempts, for their customer; administrators see all.</summary>
public static class PaymentApi
{
    public const string WebhookPath = "/api/payments/webhooks/provider";

    private const long WebhookBodyLimit = 64 * 1024;

    // The raw body: the signature is over the exact bytes the provider sent.
    private static async Task<Results<Ok, ProblemResult>> ReceiveWebhookAsync(HttpRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var result = await webhooks.HandleAsync(body, request.Headers["Stripe-Signature"].ToString(), cancellationToken);
        return result.ToHttpResult(TypedResults.Ok);
    }

    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/payments").WithTags("Payments")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapGet("", async (CurrentUser caller, PageQuery paging, Guid? orderId, Guid? userId, string? status,
            PaymentQueryService payments, CancellationToken ct) =>
            (await payments.ListAsync(caller, new PaymentFilter(orderId, userId, status), paging, ct)).ToOk());
        group.MapUnknownPaths();

        // The provider's events: anonymous (the gateway lets only POST through, up to 32 KB), proven by their signature.
        endpoints.MapPost(WebhookPath, ReceiveWebhookAsync).WithTags("Payments").AllowAnonymous()
            .WithMetadata(new RequestSizeLimitMetadata(WebhookBodyLimit));
        return endpoints;
    }
}

internal sealed class RequestSizeLimitMetadata(long limit) : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => limit;
}
