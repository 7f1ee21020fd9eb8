using System.Text;
using EStore.Platform.Security;
using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace EStore.Product.Feeds;

/// <summary>
/// Seals a feed's secret (the basic-auth password or the header's token) for the database with the platform's
/// <see cref="SecretSeal"/> (AES-256-GCM) under <c>Feeds:CredentialKey</c>, bound to the feed and the field (a sealed
/// value copied to another feed or field does not open), and stores the key's id beside it. Values sealed with a key
/// listed in <c>Feeds:PreviousCredentialKeys</c> still open; <see cref="ResealAsync"/> moves them (and any left in plain
/// text by an older version) to the current key at startup.
/// </summary>
public sealed partial class FeedCredentialSeal
{
    private const int MaxSealedLength = 16_384;
    private const string PasswordField = "basic-password";
    private const string TokenField = "header-token";

    private readonly byte[] _key;
    private readonly Dictionary<string, byte[]> _keys;

    public FeedCredentialSeal(IOptions<FeedOptions> options)
    {
        _key = options.Value.Key();
        CurrentKeyId = SecretSeal.KeyId(_key);
        _keys = (options.Value.PreviousKeys() ?? []).Append(_key).ToDictionary(k => SecretSeal.KeyId(k), StringComparer.Ordinal);
    }

    /// <summary>The id of <c>Feeds:CredentialKey</c>.</summary>
    public string CurrentKeyId { get; }

    /// <summary>Seals <paramref name="password"/> and <paramref name="token"/> (either may be null) into the feed.</summary>
    public void Seal(SupplierFeed feed, string? password, string? token)
    {
        feed.BasicPasswordSealed = password is null ? null : SecretSeal.Seal(_key, AssociatedData(feed.Id, PasswordField), password);
        feed.HeaderTokenSealed = token is null ? null : SecretSeal.Seal(_key, AssociatedData(feed.Id, TokenField), token);
        feed.CredentialKeyId = password is null && token is null ? null : CurrentKeyId;
    }

    /// <summary>The feed's credentials for a fetch, or why they do not open (a key that is no longer configured).</summary>
    public (FeedCredentials? Credentials, string? Error) Open(SupplierFeed feed)
    {
        if (feed.BasicPasswordSealed is null && feed.HeaderTokenSealed is null)
        {
            return (new FeedCredentials(feed.BasicUser, null, feed.HeaderName, null), null);
        }
        if (feed.CredentialKeyId is null || !_keys.TryGetValue(feed.CredentialKeyId, out var key))
        {
            return (null, $"The feed's credentials were sealed with key {feed.CredentialKeyId ?? "(none)"}, which is not configured (Feeds:CredentialKey, Feeds:PreviousCredentialKeys).");
        }
        string? password = null, token = null;
        if ((feed.BasicPasswordSealed is { } sealedPassword && !SecretSeal.TryOpen(key, AssociatedData(feed.Id, PasswordField), sealedPassword, MaxSealedLength, out password))
            || (feed.HeaderTokenSealed is { } sealedToken && !SecretSeal.TryOpen(key, AssociatedData(feed.Id, TokenField), sealedToken, MaxSealedLength, out token)))
        {
            return (null, "The feed's credentials do not open with their key: register the feed again.");
        }
        return (new FeedCredentials(feed.BasicUser, password, feed.HeaderName, token), null);
    }

    /// <summary>
    /// A startup step: seals secrets stored in plain text (no key id: written before sealing) and seals again those of
    /// a previous key with the current one. Secrets of an unknown key are left alone (their runs fail saying so).
    /// </summary>
    public static async Task ResealAsync(ProductDbContext db, CancellationToken cancellationToken)
    {
        var seal = new FeedCredentialSeal(db.GetService<IOptions<FeedOptions>>());
        var feeds = await db.Feeds
            .Where(f => (f.BasicPasswordSealed != null || f.HeaderTokenSealed != null) && (f.CredentialKeyId == null || f.CredentialKeyId != seal.CurrentKeyId))
            .ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var feed in feeds)
        {
            if (feed.CredentialKeyId is null)
            {
                seal.Seal(feed, feed.BasicPasswordSealed, feed.HeaderTokenSealed);
                changed++;
            }
            else if (seal._keys.ContainsKey(feed.CredentialKeyId) && seal.Open(feed) is ({ } credentials, null))
            {
                seal.Seal(feed, credentials.BasicPassword, credentials.HeaderValue);
                changed++;
            }
        }
        if (changed > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            LogResealed(db.GetService<ILoggerFactory>().CreateLogger<FeedCredentialSeal>(), changed, seal.CurrentKeyId);
        }
    }

    private static byte[] AssociatedData(Guid feedId, string field) => Encoding.UTF8.GetBytes($"estore.feed-credential.v1|{feedId:D}|{field}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed credentials of {Count} feeds sealed with key {KeyId}")]
    private static partial void LogResealed(ILogger logger, int count, string keyId);
}
