using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Security;

/// <summary>
/// Validates access tokens like <see cref="JsonWebTokenHandler"/> and remembers the ones that pass in
/// <see cref="ValidatedTokenCache"/>. It only sees tokens the cache does not know: a remembered one is answered
/// earlier, in <see cref="ServiceJwtBearerEvents.MessageReceived"/>, so the token is looked up in one place only.
/// </summary>
internal sealed class CachingTokenHandler(ValidatedTokenCache cache, IJwtSigningKeySource keys) : JsonWebTokenHandler
{
    /// <summary>Tokens remembered now.</summary>
    internal int Count => cache.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
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
