using EStore.Platform.Hosting;

namespace EStore.Payment.Provider;

/// <summary>
/// <c>Payment:Provider:*</c>: where the Stripe-compatible provider is (Stripe itself or tools/EStore.PaymentSandbox)
/// and the secrets to talk to it. Both secrets are required: without them nothing can be charged or verified.
/// </summary>
public sealed class ProviderOptions : IValidatedOptions
{
    public const string Section = "Payment:Provider";

    /// <summary>The API base, e.g. <c>https://api.stripe.com</c>; Stripe.net appends <c>/v1/...</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The secret key (<c>sk_test_...</c>), sent as <c>Authorization: Bearer</c>.</summary>
    [Secret]
    public string? ApiKey { get; set; }

    /// <summary>The webhook signing secret (<c>whsec_...</c>) that <c>Stripe-Signature</c> headers are checked with.</summary>
    [Secret]
    public string? WebhookSecret { get; set; }

    /// <summary>How long one call may take before it counts as unanswered (its outcome is then unknown).</summary>
    public int TimeoutSeconds { get; set; } = 20;

    public void Validate(OptionsCheck check)
    {
        check.Require(!string.IsNullOrEmpty(BaseUrl), nameof(BaseUrl), "required: the provider's API base, e.g. https://api.stripe.com or the sandbox's URL.");
        check.HttpUrl(BaseUrl, "https://api.stripe.com");
        check.Require(!string.IsNullOrEmpty(ApiKey), nameof(ApiKey), "required: the provider's secret API key.");
        check.Require(!string.IsNullOrEmpty(WebhookSecret), nameof(WebhookSecret), "required: the provider's webhook signing secret.");
        check.Range(TimeoutSeconds, 1, 120);
    }
}
