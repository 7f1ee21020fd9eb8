using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Security;

/// <summary>
/// The authenticated caller, read from the validated access token. Use it for ownership checks:
/// the subject always comes from the token, never from ids in the query or body.
/// Minimal API handlers can take it as a parameter (bound from <see cref="HttpContext.User"/>).
/// </summary>
/// <param name="Id">The user id (<c>sub</c>).</param>
/// <param name="Email">The e-mail address (<c>email</c>), if the token carries one.</param>
/// <param name="Roles">The roles (<c>role</c> claims).</param>
/// <param name="EmailVerified">Whether the e-mail address is verified (<c>email_verified</c>).</param>
/// <param name="TokenId">The token id (<c>jti</c>).</param>
/// <param name="SessionId">The session (<c>sid</c>), if any.</param>
/// <param name="ExpiresAt">When the token expires (<c>exp</c>).</param>
public sealed record CurrentUser(Guid Id, string? Email, IReadOnlyList<string> Roles, bool EmailVerified, string TokenId, string? SessionId, DateTimeOffset ExpiresAt)
{
    /// <summary>True when the caller has <paramref name="role"/>.</summary>
    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>True for administrators.</summary>
    public bool IsAdmin => IsInRole(UserRoles.Admin);

    /// <summary>The caller described by an authenticated principal; null when it is not an EStore access token.</summary>
    public static CurrentUser? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        // One pass over the claims (the gateway reads the caller on every request; seven FindFirst scans
        // and a LINQ pipeline showed in its profile). The first value of a claim type wins, as with FindFirst.
        string? subject = null, tokenId = null, email = null, emailVerified = null, sessionId = null, expires = null;
        List<string>? roles = null;
        foreach (var identity in principal.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                switch (claim.Type)
                {
                    case TokenClaims.Subject: subject ??= claim.Value; break;
                    case TokenClaims.TokenId: tokenId ??= claim.Value; break;
                    case TokenClaims.Email: email ??= claim.Value; break;
                    case TokenClaims.EmailVerified: emailVerified ??= claim.Value; break;
                    case TokenClaims.SessionId: sessionId ??= claim.Value; break;
                    case TokenClaims.Expires: expires ??= claim.Value; break;
                    case TokenClaims.Role:
                        roles ??= [];
                        if (!roles.Contains(claim.Value))
                        {
                            roles.Add(claim.Value);
                        }
                        break;
                }
            }
        }
        if (!Guid.TryParse(subject, out var id) || tokenId is not { Length: > 0 })
        {
            return null;
        }
        return new CurrentUser(
            id,
            email,
            roles ?? [],
            string.Equals(emailVerified, "true", StringComparison.OrdinalIgnoreCase),
            tokenId,
            sessionId,
            long.TryParse(expires, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue);
    }

    /// <summary>Minimal API binding: the caller of the current request, or null when anonymous.</summary>
    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) => ValueTask.FromResult(FromPrincipal(context.User));
}

/// <summary>The caller of the current request, for services deeper than the endpoint.</summary>
public interface ICurrentUserAccessor
{
    /// <summary>The caller, or null outside an authenticated request.</summary>
    CurrentUser? User { get; }
}

internal sealed class CurrentUserAccessor(IHttpContextAccessor http) : ICurrentUserAccessor
{
    public CurrentUser? User => CurrentUser.FromPrincipal(http.HttpContext?.User);
}
