using EStore.Contracts.Events;
using EStore.Platform.Hosting;
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

/// <summary>Stops start-up with one line naming the key when it is missing or is not base64 of 32 bytes.</summary>
internal sealed class AccountTokenOptionsValidator : IValidateOptions<AccountTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountTokenOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            throw new StartupConfigurationException(AccountTokenOptions.EncryptionKeyKey,
                "is required: base64 of 32 random bytes, shared with notification-service only.");
        }
        if (SealedToken.ParseKey(options.EncryptionKey) is null)
        {
            throw new StartupConfigurationException(AccountTokenOptions.EncryptionKeyKey,
                $"must be base64 of exactly {SealedToken.KeySize} bytes.");
        }
        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Reads the validated options before the host starts, so a bad key or limit stops the process with the platform's
/// one line (<c>crit: startup failed: AccountTokens:EncryptionKey: ...</c>) rather than the host's failure log.
/// <c>ValidateOnStart</c> stays as the backstop.
/// </summary>
internal sealed class IdentityOptionsCheck(IOptions<AccountTokenOptions> tokens, IOptions<IdentityRateLimitOptions> limits) : EStore.Platform.Hosting.IStartupInitializer
{
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        _ = tokens.Value;
        _ = limits.Value;
        return Task.CompletedTask;
    }
}
