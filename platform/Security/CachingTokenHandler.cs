using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Security;

/// <summary>
/// Validates access tokens like <see cref="JsonWebTokenHandler"/> and remembers the ones that passed, so
/// the next request with the same token skips the RSA signature check (the dearest part, ~20 µs): a
/// client sends the same token for up to its whole lifetime.
/// </summary>
/// <remarks>
/// A remembered token is trusted only inside its own <c>nbf</c>..<c>exp</c> window (without clock skew),
/// only for the exact same string, and only while the signing keys are the same set that verified it
/// (a JWKS refresh or a removed key forgets everything). Revocation and the <c>sub</c>/<c>jti</c> checks
/// run on every request after this handler, cached or not. Each request gets its own copy of the identity.
/// </remarks>
internal sealed class CachingTokenHandler(IJwtSigningKeySource keys, TimeProvider time, int capacity) : JsonWebTokenHandler
{
    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    /// <summary>Tokens remembered now.</summary>
    internal int Count => _validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var keySet = keys.Current;
        var now = time.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var known))
        {
            if (known.ValidFrom <= now && now < known.ValidTo && ReferenceEquals(known.KeySet, keySet))
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = known.Identity.Clone(),
                    SecurityToken = known.Token,
                    Issuer = known.Token.Issuer,
                    TokenType = known.Token.Typ,
                };
            }
            _validated.TryRemove(token, out _);
        }
        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified && result.ClaimsIdentity is { } identity
            && verified.ValidTo > now)
        {
            Remember(token, new Validated(verified, identity.Clone(), verified.ValidFrom, verified.ValidTo, keySet), now);
        }
        return result;
    }

    private void Remember(string token, Validated validated, DateTime now)
    {
        if (_validated.Count >= capacity)
        {
            foreach (var (key, entry) in _validated)
            {
                if (entry.ValidTo <= now)
                {
                    _validated.TryRemove(key, out _);
                }
            }
            if (_validated.Count >= capacity)
            {
                // Full of live tokens (many clients at once): start over rather than track ages.
                _validated.Clear();
            }
        }
        _validated[token] = validated;
    }

    private sealed record Validated(JsonWebToken Token, ClaimsIdentity Identity, DateTime ValidFrom, DateTime ValidTo, SigningKeySet KeySet);
}
