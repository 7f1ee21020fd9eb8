using EStore.Identity.Data;
using EStore.Platform.Data;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// Creates, rotates and deletes signing keys. A new key is published at once and signs from
/// <c>Identity:Keys:ActivationDelayMinutes</c> on (so validators have fetched it before they meet it);
/// the key it replaces stays in the JWKS until the last token it signed has expired, then is deleted.
/// Several instances may run this together: on PostgreSQL an advisory lock makes one of them do the work.
/// </summary>
public sealed partial class SigningKeyManager(
    IdentityDbContext db,
    SigningKeyStore store,
    DatabaseSettings database,
    IdentitySettings settings,
    JwtSettings jwt,
    TimeProvider time,
    ILogger<SigningKeyManager> logger)
{
    // Any constant shared by all instances; distinct from the platform's schema lock.
    private const long RotationLockKey = 0x45_53_74_6f_72_65_4b_79;

    // Beyond lifetime and skew: instances may sign with a retired key until they reload (30 s).
    private static readonly TimeSpan RetentionMargin = TimeSpan.FromMinutes(1);

    /// <summary>Makes sure a key signs now; rotates an old key; deletes keys whose tokens have all expired.</summary>
    public async Task EnsureCurrentKeyAsync(CancellationToken cancellationToken)
    {
        await InLockAsync(async keys =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var expired in keys.Where(k => k.ExpiresAt <= now))
            {
                db.SigningKeys.Remove(expired);
                LogDeleted(expired.Id);
            }
            var newest = keys.Where(k => k.ExpiresAt is null || k.ExpiresAt > now).MaxBy(k => k.ActivatesAt);
            if (newest is null)
            {
                Add(keys, now, now, "first key");
            }
            else if (newest.CreatedAt + settings.KeyRotationAge <= now)
            {
                Add(keys, now, now + settings.KeyActivationDelay, "scheduled rotation");
            }
        }, cancellationToken);
    }

    /// <summary>Replaces the signing key at once (for example after a suspected compromise).</summary>
    /// <returns>The new key's id.</returns>
    public async Task<SigningKey> RotateNowAsync(CancellationToken cancellationToken)
    {
        SigningKey? created = null;
        await InLockAsync(keys =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            created = Add(keys, now, now, "rotation on request");
            return Task.CompletedTask;
        }, cancellationToken);
        return created!;
    }

    private SigningKey Add(List<SigningKey> keys, DateTime now, DateTime activatesAt, string reason)
    {
        var key = store.CreateKey(now, activatesAt);
        // Tokens signed by a retiring key live at most one access-token lifetime after it stops signing.
        var expiresAt = activatesAt + settings.AccessTokenLifetime + jwt.ClockSkew + RetentionMargin;
        foreach (var older in keys.Where(k => k.RetiredAt is null || k.RetiredAt > activatesAt))
        {
            older.RetiredAt = activatesAt;
            older.ExpiresAt = expiresAt;
        }
        db.SigningKeys.Add(key);
        LogCreated(key.Id, activatesAt, reason);
        return key;
    }

    private async Task InLockAsync(Func<List<SigningKey>, Task> change, CancellationToken cancellationToken)
    {
        // Data Protection writes its first key through another connection; on SQLite that write would wait
        // for the transaction below, which waits for it. Creating the key ring first avoids the deadlock.
        store.EnsureKeyRing();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (database.Provider == DatabaseProvider.Postgres)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RotationLockKey})", cancellationToken);
            }
            var keys = await db.SigningKeys.ToListAsync(cancellationToken);
            await change(keys);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        db.ChangeTracker.Clear();
        await store.ReloadAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created signing key {KeyId}, signing from {ActivatesAt:o} ({Reason})")]
    private partial void LogCreated(string keyId, DateTime activatesAt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted signing key {KeyId}: every token it signed has expired")]
    private partial void LogDeleted(string keyId);
}
