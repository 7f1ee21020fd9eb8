using EStore.Identity.Data;
using EStore.Platform.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Identity.Services;

/// <summary>An access token and what the session table needs to know about it.</summary>
public sealed record IssuedAccessToken(string Token, string TokenId, DateTime ExpiresAt);

/// <summary>
/// Signs RS256 access tokens (RFC 9068 <c>typ: at+jwt</c>) with <c>sub</c>, <c>email</c>, <c>email_verified</c>,
/// <c>role</c>, <c>jti</c>, <c>sid</c>, <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c>, all times from the injected clock.
/// </summary>
public sealed class AccessTokenIssuer(SigningKeyStore keys, JwtSettings jwt, IdentitySettings settings, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<IssuedAccessToken> IssueAsync(User user, Guid sessionId, CancellationToken cancellationToken)
    {
        var credentials = await keys.GetSigningCredentialsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var expires = now + settings.AccessTokenLifetime;
        var tokenId = Guid.CreateVersion7(now).ToString();
        var claims = new Dictionary<string, object>
        {
            [TokenClaims.Subject] = user.Id.ToString(),
            [TokenClaims.Email] = user.Email,
            [TokenClaims.EmailVerified] = user.EmailVerified,
            // One role as a string, several as an array: both read back as one role claim each.
            [TokenClaims.Role] = user.Roles.Count == 1 ? user.Roles[0] : user.Roles.ToArray(),
            [TokenClaims.TokenId] = tokenId,
            [TokenClaims.SessionId] = sessionId.ToString(),
        };
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
            TokenType = TokenClaims.AccessTokenType,
        });
        return new IssuedAccessToken(token, tokenId, expires.UtcDateTime);
    }
}
