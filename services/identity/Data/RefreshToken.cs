namespace EStore.Identity.Data;

/// <summary>
/// One refresh token of a session. A session (family) is the chain of tokens a login produced through
/// rotation; each row also remembers the access token issued with it, so that revoking the session can
/// name that token's <c>jti</c>.
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>The session: every token rotated from one login shares it (the access tokens' <c>sid</c>).</summary>
    public Guid FamilyId { get; set; }

    /// <summary>SHA-256 of the token; the token itself is never stored.</summary>
    public required byte[] TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    /// <summary>When the login that started the family happened (absolute session limit).</summary>
    public DateTime SessionStartedAt { get; set; }

    /// <summary>Set when the token was exchanged for a new one; presenting it again is reuse.</summary>
    public DateTime? UsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }

    /// <summary>The <c>jti</c> of the access token issued together with this refresh token.</summary>
    public required string AccessTokenId { get; set; }
    public DateTime AccessTokenExpiresAt { get; set; }

    /// <summary>True once a <c>TokenRevoked</c> event was written for <see cref="AccessTokenId"/>.</summary>
    public bool AccessTokenRevoked { get; set; }
}
