namespace EStore.Payment.Provider;

/// <summary>The reason codes a failed payment carries (PaymentFailed.Reason): what the order can show, never card details.</summary>
public static class ReasonCodes
{
    public const string Declined = "declined";
    public const string InsufficientFunds = "insufficient_funds";
    public const string ExpiredCard = "expired_card";
    public const string InvalidCard = "invalid_card";
    public const string ProcessingError = "processing_error";
    public const string ProviderUnavailable = "provider_unavailable";
    /// <summary>The provider refused the request itself (bad credentials, an unusable payment method): not the card's fault.</summary>
    public const string ProviderError = "provider_error";
    /// <summary>The order names no saved payment method of its customer.</summary>
    public const string PaymentMethodMissing = "payment_method_missing";
    /// <summary>The order's amount cannot be expressed in the currency's minor units.</summary>
    public const string InvalidAmount = "invalid_amount";
}
