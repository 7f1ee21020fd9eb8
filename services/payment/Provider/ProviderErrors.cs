using System.Net;
using Stripe;

namespace EStore.Payment.Provider;

/// <summary>What kind of answer a failed provider call was.</summary>
public enum ProviderFailureKind
{
    /// <summary>No usable answer (timeout, connection reset, 5xx, 429, 409 for a key in use, a body that does not parse): the outcome is unknown, retry with the same key.</summary>
    Unavailable,
    /// <summary>The card was declined (402 <c>card_error</c>).</summary>
    Declined,
    /// <summary>The provider refused the request itself; sending it again will not help.</summary>
    Rejected,
}

/// <summary>A provider failure in our terms.</summary>
/// <param name="Kind">Retry, decline or refusal.</param>
/// <param name="Reason">One of <see cref="ReasonCodes"/>.</param>
/// <param name="Param">The request parameter the provider blamed (<c>card[number]</c>), if any.</param>
/// <param name="RetryAfter">The provider's <c>Retry-After</c>, if it sent one.</param>
/// <param name="PaymentIntentId">The PaymentIntent a decline left behind, if any.</param>
public sealed record ProviderFailure(ProviderFailureKind Kind, string Reason, string? Param = null, TimeSpan? RetryAfter = null, string? PaymentIntentId = null)
{
    public bool IsTransient => Kind == ProviderFailureKind.Unavailable;
}

/// <summary>
/// The one place that turns Stripe's errors (and the network's) into <see cref="ReasonCodes"/>. Anything not a
/// definite answer from the provider is <see cref="ProviderFailureKind.Unavailable"/>: a timeout or a 5xx is never a decline.
/// </summary>
public static class ProviderErrors
{
    /// <summary>Maps an exception thrown by a provider call; null for the caller's own cancellation (rethrow it).</summary>
    public static ProviderFailure? Map(Exception exception, CancellationToken callerToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OperationCanceledException && callerToken.IsCancellationRequested)
        {
            return null;
        }
        if (exception is not StripeException stripe)
        {
            // Timeouts (TaskCanceledException), resets (HttpRequestException/IOException), bodies that do not parse.
            return new ProviderFailure(ProviderFailureKind.Unavailable, ReasonCodes.ProviderUnavailable);
        }
        var status = (int)stripe.HttpStatusCode;
        var error = stripe.StripeError;
        var retryAfter = RetryAfter(stripe);
        if (status == 0 || status >= 500 || status == (int)HttpStatusCode.TooManyRequests || error?.Type is null or "api_error")
        {
            return new ProviderFailure(ProviderFailureKind.Unavailable, ReasonCodes.ProviderUnavailable, RetryAfter: retryAfter);
        }
        if (error.Type == "idempotency_error" && status == (int)HttpStatusCode.Conflict)
        {
            // The first send under this key is still running at the provider: ask again later.
            return new ProviderFailure(ProviderFailureKind.Unavailable, ReasonCodes.ProviderUnavailable, RetryAfter: retryAfter);
        }
        if (error.Type == "card_error")
        {
            return new ProviderFailure(ProviderFailureKind.Declined, CardReason(error.Code, error.DeclineCode), error.Param, PaymentIntentId: error.PaymentIntent?.Id);
        }
        return new ProviderFailure(ProviderFailureKind.Rejected, ReasonCodes.ProviderError, error.Param);
    }

    /// <summary>The reason code of a card error; decline codes that hint at fraud (lost, stolen) stay a plain decline.</summary>
    public static string CardReason(string? code, string? declineCode) => (code, declineCode) switch
    {
        (_, "insufficient_funds") => ReasonCodes.InsufficientFunds,
        ("expired_card", _) or (_, "expired_card") => ReasonCodes.ExpiredCard,
        ("processing_error", _) or (_, "processing_error") => ReasonCodes.ProcessingError,
        ("incorrect_number" or "invalid_number" or "incorrect_cvc" or "invalid_cvc" or "invalid_expiry_month" or "invalid_expiry_year", _) => ReasonCodes.InvalidCard,
        (_, "incorrect_number" or "incorrect_cvc" or "invalid_account") => ReasonCodes.InvalidCard,
        _ => ReasonCodes.Declined,
    };

    private static TimeSpan? RetryAfter(StripeException exception)
    {
        // Stripe (and the sandbox) send seconds; a date form is treated as absent and the usual backoff applies.
        return exception.StripeResponse?.Headers?.RetryAfter?.Delta;
    }
}
