namespace EStore.Platform.Security;

/// <summary>The roles of architecture.md ("Roles"), as they appear in the <c>role</c> claim.</summary>
public static class UserRoles
{
    /// <summary>Every registered user.</summary>
    public const string Customer = "customer";
    /// <summary>A user who registered a shop.</summary>
    public const string ShopOwner = "shop_owner";
    /// <summary>An administrator.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in privilege order.</summary>
    public static IReadOnlyList<string> All { get; } = [Customer, ShopOwner, Admin];

    /// <summary>True for a known role name (case-sensitive).</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>The authorization policies <c>AddServiceAuthentication</c> registers.</summary>
public static class AuthorizationPolicies
{
    /// <summary>Any valid access token (also the default policy of <c>RequireAuthorization()</c>).</summary>
    public const string Authenticated = "authenticated";
    /// <summary>A valid access token with the <c>admin</c> role.</summary>
    public const string Admin = "admin";
    /// <summary>A valid access token with the <c>shop_owner</c> role.</summary>
    public const string ShopOwner = "shop_owner";
}

/// <summary>Claims of EStore access tokens.</summary>
public static class TokenClaims
{
    /// <summary>The user id (a UUID).</summary>
    public const string Subject = "sub";
    /// <summary>The user's e-mail address.</summary>
    public const string Email = "email";
    /// <summary>Whether the e-mail address is verified (<c>true</c>/<c>false</c>).</summary>
    public const string EmailVerified = "email_verified";
    /// <summary>One claim per role.</summary>
    public const string Role = "role";
    /// <summary>The token id, used for revocation.</summary>
    public const string TokenId = "jti";
    /// <summary>The session (refresh-token family) the token belongs to.</summary>
    public const string SessionId = "sid";
    /// <summary>Expiry, seconds since the epoch.</summary>
    public const string Expires = "exp";

    /// <summary>The <c>typ</c> header of access tokens (RFC 9068); other token types are refused.</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>The only accepted signature algorithm.</summary>
    public const string Algorithm = "RS256";
}
