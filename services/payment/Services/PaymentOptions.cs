using EStore.Platform.Hosting;

namespace EStore.Payment.Services;

/// <summary><c>Payment:Charges:*</c>: how the charge worker sends, retries and gives up.</summary>
public sealed class ChargeOptions : IValidatedOptions
{
    public const string Section = "Payment:Charges";

    /// <summary>False: this instance records payments and serves the API but sends no charges (another instance does).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an instance looks for payments to charge or retry when nothing woke it.</summary>
    public int PollIntervalMs { get; set; } = 500;

    /// <summary>First retry delay after an unknown outcome (timeout, 5xx, reset); doubles up to <see cref="MaxBackoffMs"/>.</summary>
    public int MinBackoffMs { get; set; } = 500;

    public int MaxBackoffMs { get; set; } = 30_000;

    /// <summary>After this long without a definite answer the payment fails with <c>provider_unavailable</c>.</summary>
    public int GiveUpSeconds { get; set; } = 120;

    /// <summary>
    /// How long a claimed charge is left to its instance beyond the provider timeout before another instance (or
    /// this one after a restart) takes it over and sends again with the same key.
    /// </summary>
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>
    /// How many payments one instance charges at once: each is claimed on its own (so never by two) and sent, stored
    /// and retried in its own scope. Across all instances it stays within the provider's rate limit (Stripe: 100
    /// requests per second in live mode, 25 in a sandbox; a 429 is retried after its <c>Retry-After</c>).
    /// </summary>
    public int Concurrency { get; set; } = 8;

    public void Validate(OptionsCheck check)
    {
        check.Range(PollIntervalMs, 10, 60_000);
        check.Range(MinBackoffMs, 1, 600_000);
        check.Range(MaxBackoffMs, MinBackoffMs, 3_600_000);
        // Below the provider's 24 hours of idempotency keys: every retry is still recognised as the same charge.
        check.Range(GiveUpSeconds, 1, 82_800);
        check.Range(LeaseSeconds, 1, 3_600);
        check.Range(Concurrency, 1, 64);
    }
}

/// <summary><c>Payment:Methods:*</c>: saved cards.</summary>
public sealed class PaymentMethodOptions : IValidatedOptions
{
    public const string Section = "Payment:Methods";

    /// <summary>Cards one user may try to save per window (card-testing attacks try many numbers quickly).</summary>
    public int CreatePermitLimit { get; set; } = 10;

    public int CreateWindowSeconds { get; set; } = 3_600;

    /// <summary>How many cards one user may keep.</summary>
    public int MaxPerUser { get; set; } = 20;

    public void Validate(OptionsCheck check)
    {
        check.Range(CreatePermitLimit, 1, 10_000);
        check.Range(CreateWindowSeconds, 1, 86_400);
        check.Range(MaxPerUser, 1, 100);
    }
}
