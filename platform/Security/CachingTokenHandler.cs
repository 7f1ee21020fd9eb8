using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Security;

/// <summary>
/// Validates access tokens like <see cref="JsonWebTokenHandler"/>, answering from <see cref="ValidatedTokenCache"/>
/// when it can and remembering the tokens that pass. (Requests with a remembered token usually do not get here:
/// <see cref="ServiceJwtBearerEvents.MessageReceived"/> answers them before JwtBearer sets up a validation.)
/// </summary>
internal sealed class CachingTokenHandler(ValidatedTokenCache cache, IJwtSigningKeySource keys) : JsonWebTokenHandler
{
    /// <summary>Tokens remembered now.</summary>
    internal int Count => cache.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (cache.TryGet(token, out var known))
        {
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = known.Identity.Clone(),
                SecurityToken = known.Verified,
                Issuer = known.Verified.Issuer,
                TokenType = known.Verified.Typ,
            };
        }
        // The key set is read before validating, so a refresh during validation is not credited to this one.
        var keySet = keys.Current;
        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified && result.ClaimsIdentity is { } identity)
        {
            cache.Remember(token, verified, identity, keySet);
        }
        return result;
    }
}
