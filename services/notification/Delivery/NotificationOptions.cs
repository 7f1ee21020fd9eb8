using EStore.Platform.Hosting;
using EStore.Platform.Security;

namespace EStore.Notification.Delivery;

/// <summary><c>Notifications:*</c>: what the mails say about the store, where their links go, and how hard delivery tries.</summary>
public sealed class NotificationOptions : IValidatedOptions
{
    public const string Section = "Notifications";

    /// <summary>The store's name in subjects and signatures.</summary>
    public string StoreName { get; set; } = "EStore";

    /// <summary>The storefront's base URL: links back to the store, the verify and reset pages.</summary>
    public string StoreUrl { get; set; } = "http://localhost:8080";

    /// <summary>The storefront's page that verifies an address (<c>?token=</c> is appended).</summary>
    public string VerifyEmailPath { get; set; } = "/verify-email";

    /// <summary>The storefront's page that sets a new password (<c>?token=</c> is appended).</summary>
    public string ResetPasswordPath { get; set; } = "/reset-password";

    /// <summary>Attempts before a mail is failed (and waits for an administrator's resend).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles with each further one.</summary>
    public int RetryInitialMs { get; set; } = 10_000;

    /// <summary>The longest wait between two attempts.</summary>
    public int RetryMaxMs { get; set; } = 3_600_000;

    /// <summary>How often the worker looks for due mails when nothing woke it (a commit of new mails does).</summary>
    public int PollIntervalMs { get; set; } = 5_000;

    /// <summary>Mails one worker claims and sends over one SMTP connection.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claimed mail is held by its instance (longer than one batch takes).</summary>
    public int LeaseSeconds { get; set; } = 300;

    public void Validate(OptionsCheck check)
    {
        check.Require(!string.IsNullOrWhiteSpace(StoreName), nameof(StoreName), "is required.");
        check.HttpUrl(StoreUrl, "https://shop.example.com");
        check.Require(VerifyEmailPath.StartsWith('/'), nameof(VerifyEmailPath), "must start with '/'.");
        check.Require(ResetPasswordPath.StartsWith('/'), nameof(ResetPasswordPath), "must start with '/'.");
        check.Range(MaxAttempts, 1, 100);
        check.Range(RetryInitialMs, 10, 86_400_000);
        check.Range(RetryMaxMs, 10, 86_400_000);
        check.Require(RetryMaxMs >= RetryInitialMs, nameof(RetryMaxMs), "must not be below Notifications:RetryInitialMs.");
        check.Range(PollIntervalMs, 10, 600_000);
        check.Range(BatchSize, 1, 1_000);
        check.Range(LeaseSeconds, 10, 3_600);
    }
}

/// <summary>
/// <c>AccountTokens:EncryptionKey</c>: the key identity-service seals verification and reset tokens with
/// (<see cref="SealedToken"/>); only the two services hold it.
/// </summary>
public sealed class AccountTokenKeyOptions : IValidatedOptions
{
    public const string Section = "AccountTokens";

    [Secret]
    public string? EncryptionKey { get; set; }

    /// <summary>The parsed key (valid after start-up validation).</summary>
    public byte[] Key => SealedToken.ParseKey(EncryptionKey) ?? throw new InvalidOperationException("AccountTokens:EncryptionKey is not valid.");

    public void Validate(OptionsCheck check) =>
        check.Require(SealedToken.ParseKey(EncryptionKey) is not null, nameof(EncryptionKey),
            $"is required: base64 of exactly {SealedToken.KeySize} bytes, identity-service's key.");
}
