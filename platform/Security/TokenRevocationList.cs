using System.Collections.Concurrent;

namespace EStore.Platform.Security;

/// <summary>
/// Access-token ids (<c>jti</c>) revoked before their expiry. JWT validation refuses them;
/// <c>TokenRevoked</c> events fill the list in every instance of every service.
/// </summary>
public interface ITokenRevocationList
{
    /// <summary>Refuses <paramref name="tokenId"/> until <paramref name="expiresAt"/> (after which the token is dead anyway).</summary>
    void Revoke(string tokenId, DateTimeOffset expiresAt);

    /// <summary>True while <paramref name="tokenId"/> is revoked.</summary>
    bool IsRevoked(string tokenId);

    /// <summary>How many revocations are held (expired ones are dropped from time to time).</summary>
    int Count { get; }
}

/// <summary>The in-memory revocation list: a dictionary pruned of expired entries as it grows.</summary>
internal sealed class TokenRevocationList(TimeProvider time) : ITokenRevocationList
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private long _nextPruneTicks;

    public int Count => _revoked.Count;

    public void Revoke(string tokenId, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        var now = time.GetUtcNow();
        if (expiresAt <= now)
        {
            return;
        }
        _revoked.AddOrUpdate(tokenId, expiresAt, (_, existing) => existing > expiresAt ? existing : expiresAt);
        PruneIfDue(now);
    }

    public bool IsRevoked(string tokenId) =>
        _revoked.TryGetValue(tokenId, out var until) && until > time.GetUtcNow();

    private void PruneIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, (now + PruneInterval).UtcTicks, due) != due)
        {
            return;
        }
        foreach (var (tokenId, until) in _revoked)
        {
            if (until <= now)
            {
                _revoked.TryRemove(new KeyValuePair<string, DateTimeOffset>(tokenId, until));
            }
        }
    }
}
