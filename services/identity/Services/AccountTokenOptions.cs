using EStore.Contracts.Events;
using Microsoft.Extensions.Options;

namespace EStore.Identity.Services;

/// <summary>
/// <c>AccountTokens:*</c>: the key that seals verification and reset tokens in events
/// (<see cref="SealedToken"/>); identity-service and notification-service hold it, nobody else on the bus.
/// </summary>
public sealed class AccountTokenOptions
{
    public const string SectionName = "AccountTokens";
    public const string EncryptionKeyKey = "AccountTokens:EncryptionKey";

    /// <summary>Base64 of 32 random bytes (<c>openssl rand -base64 32</c>).</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>The parsed key (valid after start-up validation).</summary>
    public byte[] Key => SealedToken.ParseKey(EncryptionKey) ?? throw new InvalidOperationException($"{EncryptionKeyKey} is not valid.");
}

/// <summary>
/// Fails validation (checked at start by <c>ValidateOnStart</c>) with "Key: problem" when the key is missing or is not
/// base64 of 32 bytes; the platform's <c>StartupFailureReporter</c> turns that into its one line naming the key.
/// </summary>
internal sealed class AccountTokenOptionsValidator : IValidateOptions<AccountTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountTokenOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            return ValidateOptionsResult.Fail(
                $"{AccountTokenOptions.EncryptionKeyKey}: is required: base64 of 32 random bytes, shared with notification-service only.");
        }
        if (SealedToken.ParseKey(options.EncryptionKey) is null)
        {
            return ValidateOptionsResult.Fail(
                $"{AccountTokenOptions.EncryptionKeyKey}: must be base64 of exactly {SealedToken.KeySize} bytes.");
        }
        return ValidateOptionsResult.Success;
    }
}
