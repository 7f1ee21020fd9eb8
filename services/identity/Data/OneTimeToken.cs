namespace EStore.Identity.Data;

/// <summary>What a single-use token is for.</summary>
public enum OneTimeTokenPurpose
{
    /// <summary>Confirms an e-mail address.</summary>
    EmailVerification,
    /// <summary>Sets a new password.</summary>
    PasswordReset,
}

/// <summary>An e-mail verification or password-reset token, stored as its SHA-256 only.</summary>
public sealed class OneTimeToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public OneTimeTokenPurpose Purpose { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    /// <summary>Set when used, or when a newer token of the same purpose replaced it.</summary>
    public DateTime? ConsumedAt { get; set; }
}
