using EStore.Platform.Hosting;
using EStore.Platform.Security;

namespace EStore.Product.Feeds;

/// <summary><c>Feeds:*</c>: how supplier feeds are fetched and scheduled.</summary>
public sealed class FeedOptions : IValidatedOptions
{
    public const string Section = "Feeds";

    /// <summary>
    /// Addresses and CIDR networks a feed may be fetched from although they are internal (loopback, private...):
    /// comma-separated, <c>none</c> (the default) for none. Public addresses are always allowed.
    /// </summary>
    public string AllowedNetworks { get; set; } = "none";

    /// <summary>The largest feed body read (bytes); a larger feed fails its run.</summary>
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The whole fetch (connects, redirects, body) must finish within this.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Redirects followed (each one checked again) before the run fails.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Whether this instance runs due feeds.</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How often the scheduler looks for due feeds.</summary>
    public int PollSeconds { get; set; } = 30;

    /// <summary>
    /// Base64 of 32 random bytes (<c>openssl rand -base64 32</c>): seals feed credentials at rest (AES-256-GCM). Required.
    /// </summary>
    [Secret]
    public string? CredentialKey { get; set; }

    /// <summary>
    /// Earlier <see cref="CredentialKey"/>s (comma-separated, base64 each) after a rotation: credentials sealed with one
    /// still open, and startup seals them again with the current key.
    /// </summary>
    [Secret]
    public string? PreviousCredentialKeys { get; set; }

    /// <summary>Runs kept in each feed's history; older ones are trimmed by the import worker.</summary>
    public int HistoryRuns { get; set; } = 50;

    public void Validate(OptionsCheck check)
    {
        if (string.IsNullOrWhiteSpace(CredentialKey))
        {
            check.Fail(nameof(CredentialKey), "is required: base64 of 32 random bytes (openssl rand -base64 32); it seals feed credentials.");
        }
        else if (SecretSeal.ParseKey(CredentialKey) is null)
        {
            check.Fail(nameof(CredentialKey), $"must be base64 of exactly {SecretSeal.KeySize} bytes.");
        }
        if (PreviousKeys() is null)
        {
            check.Fail(nameof(PreviousCredentialKeys), $"must be comma-separated base64 keys of exactly {SecretSeal.KeySize} bytes each.");
        }
        check.Range(HistoryRuns, 1, 10_000);
        NetworkList.Check(check, AllowedNetworks, nameof(AllowedNetworks));
        check.Range(MaxBytes, 1024L, 1024L * 1024 * 1024);
        check.Range(TimeoutSeconds, 1, 3_600);
        check.Range(MaxRedirects, 0, 20);
        check.Range(PollSeconds, 1, 3_600);
    }

    /// <summary>The parsed <see cref="CredentialKey"/> (valid after start-up validation).</summary>
    public byte[] Key() => SecretSeal.ParseKey(CredentialKey) ?? throw new InvalidOperationException("Feeds:CredentialKey is not valid.");

    /// <summary>The parsed <see cref="PreviousCredentialKeys"/>; null when one of them is not a key.</summary>
    public IReadOnlyList<byte[]>? PreviousKeys()
    {
        var keys = new List<byte[]>();
        foreach (var text in (PreviousCredentialKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (SecretSeal.ParseKey(text) is not { } key)
            {
                return null;
            }
            keys.Add(key);
        }
        return keys;
    }
}
