using EStore.Platform.Hosting;
using EStore.Platform.Security;

namespace EStore.Identity.Services;

/// <summary>
/// <c>AccountTokens:*</c>: the key that seals verification and reset tokens in events
/// (<see cref="SealedToken"/>); identity-service and notification-service hold it, nobody else on the bus.
/// </summary>
public sealed class AccountTokenOptions : IValidatedOptions
{
    public const string SectionName = "AccountTokens";
    public const string EncryptionKeyKey = "AccountTokens:EncryptionKey";

    /// <summary>Base64 of 32 random bytes (<c>openssl rand -base64 32</c>).</summary>
    [Secret]
    public string? EncryptionKey { get; set; }

    /// <summary>The parsed key (valid after start-up validation).</summary>
    public byte[] Key => SealedToken.ParseKey(EncryptionKey) ?? throw new InvalidOperationException($"{EncryptionKeyKey} is not valid.");

    /// <summary>
    /// The key is required and must be base64 of 32 bytes; the platform's startup reporter turns the failure into
    /// its one line naming the key (never the value).
    /// </summary>
    public void Validate(OptionsCheck check)
    {
        if (string.IsNullOrWhiteSpace(EncryptionKey))
        {
            check.Fail(nameof(EncryptionKey), "is required: base64 of 32 random bytes, shared with notification-service only.");
        }
        else if (SealedToken.ParseKey(EncryptionKey) is null)
        {
            check.Fail(nameof(EncryptionKey), $"must be base64 of exactly {SealedToken.KeySize} bytes.");
        }
    }
}
