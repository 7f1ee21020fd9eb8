using EStore.Platform.Hosting;

namespace EStore.PaymentSandbox;

/// <summary><c>Sandbox:*</c>: the sandbox's key, where its webhooks go, and the delays of its slow test cards.</summary>
public sealed class SandboxOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Sandbox";

    /// <summary>The one secret key callers must present (<c>Authorization: Bearer</c>, or Basic with it as user name).</summary>
    [Secret]
    public string? ApiKey { get; set; }

    /// <summary>Where events are POSTed; unset sends none.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The key events are signed with (<c>Stripe-Signature</c>); required with <see cref="WebhookUrl"/>.</summary>
    [Secret]
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Where the state file (<c>payment-sandbox-state.json</c>) is kept, so saved cards, charges and idempotency keys
    /// outlive a restart; unset keeps everything in memory.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>How long a PaymentIntent paid with 4000000000006975 stays <c>processing</c> before it succeeds.</summary>
    public int SettleDelayMs { get; set; } = 2000;

    /// <summary>How long a charge of 4000000000001000 takes before it answers.</summary>
    public int SlowDelayMs { get; set; } = 30_000;

    /// <summary>How often one event is sent before the sandbox gives up on it.</summary>
    public int WebhookMaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first resend; it doubles for each further one.</summary>
    public int WebhookRetryDelayMs { get; set; } = 1000;

    /// <summary>The <c>api_version</c> events carry when no request named one (<c>Stripe-Version</c>): Stripe.net 53.1.0's.</summary>
    public string ApiVersion { get; set; } = "2026-10-28.endive";

    /// <inheritdoc/>
    public void Validate(OptionsCheck check)
    {
        check.Require(!string.IsNullOrEmpty(ApiKey), nameof(ApiKey), "is required: the secret key callers send as 'Authorization: Bearer <key>'.");
        check.Require(ApiKey is null || ApiKey.Length >= 8, nameof(ApiKey), "must be at least 8 characters long.");
        check.HttpUrl(WebhookUrl, "http://127.0.0.1:8080/api/payments/webhooks/provider");
        check.Require(WebhookUrl is null || !string.IsNullOrEmpty(WebhookSecret), nameof(WebhookSecret),
            "is required when Sandbox:WebhookUrl is set: events are signed with it.");
        check.Require(DataDirectory is null || (DataDirectory.Trim().Length > 0 && DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) < 0),
            nameof(DataDirectory), "must be a directory path such as ./data (or unset to keep the state in memory).");
        check.Range(SettleDelayMs, 0, 600_000);
        check.Range(SlowDelayMs, 0, 600_000);
        check.Range(WebhookMaxAttempts, 1, 20);
        check.Range(WebhookRetryDelayMs, 0, 600_000);
        check.Require(!string.IsNullOrWhiteSpace(ApiVersion), nameof(ApiVersion), "must name a Stripe API version such as 2026-10-28.endive.");
    }
}
