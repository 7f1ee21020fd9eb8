using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace EStore.Platform.Security;

/// <summary>
/// Access tokens that passed full validation, so that the next request with the same token skips the RSA
/// signature check (the dearest part, ~20 µs) and JwtBearer's per-request set-up: a client sends the same
/// token for up to its whole lifetime.
/// </summary>
/// <remarks>
/// A remembered token is trusted only inside its own <c>nbf</c>..<c>exp</c> window (without clock skew),
/// only for the exact same string, and only while the signing keys are the same set that verified it
/// (a JWKS refresh or a removed key forgets everything). Revocation and the <c>sub</c>/<c>jti</c> checks
/// run on every request, remembered or not. Each request gets its own copy of the identity.
/// </remarks>
internal sealed class ValidatedTokenCache
{
    private readonly IJwtSigningKeySource _keys;
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public ValidatedTokenCache(IJwtSigningKeySource keys, TimeProvider time, JwtSettings settings)
    {
        _keys = keys;
        _time = time;
        _capacity = settings.ValidatedTokenCacheSize;
        _bySpan = _validated.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>False when <c>Jwt:ValidatedTokenCacheSize</c> is 0: every request is validated in full.</summary>
    public bool Enabled => _capacity > 0;

    /// <summary>Tokens remembered now.</summary>
    internal int Count => _validated.Count;

    /// <summary>The remembered validation of <paramref name="token"/>, if it is still good now.</summary>
    public bool TryGet(ReadOnlySpan<char> token, out Entry entry)
    {
        if (!_bySpan.TryGetValue(token, out var found, out entry!))
        {
            return false;
        }
        if (IsCurrent(entry))
        {
            return true;
        }
        _validated.TryRemove(found, out _);
        entry = null!;
        return false;
    }

    /// <summary>Remembers a token that passed full validation against <paramref name="keySet"/>.</summary>
    public void Remember(string token, JsonWebToken verified, ClaimsIdentity identity, SigningKeySet keySet)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (!Enabled || verified.ValidTo <= now)
        {
            return;
        }
        if (_validated.Count >= _capacity)
        {
            foreach (var (key, known) in _validated)
            {
                if (known.ValidTo <= now)
                {
                    _validated.TryRemove(key, out _);
                }
            }
            if (_validated.Count >= _capacity)
            {
                // Full of live tokens (many clients at once): start over rather than track ages.
                _validated.Clear();
            }
        }
        _validated[token] = new Entry(verified, identity.Clone(), verified.ValidFrom, verified.ValidTo, keySet);
    }

    private bool IsCurrent(Entry entry)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return entry.ValidFrom <= now && now < entry.ValidTo && ReferenceEquals(entry.KeySet, _keys.Current);
    }

    /// <summary>A remembered validation; <see cref="Identity"/> is the master copy, hand out clones only.</summary>
    internal sealed record Entry(JsonWebToken Verified, ClaimsIdentity Identity, DateTime ValidFrom, DateTime ValidTo, SigningKeySet KeySet);
}
