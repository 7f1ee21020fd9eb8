namespace EStore.Identity.Data;

/// <summary>Whether an account may sign in.</summary>
public enum UserStatus
{
    /// <summary>Normal.</summary>
    Active,
    /// <summary>Disabled by an administrator.</summary>
    Disabled,
    /// <summary>Closed by its owner (<c>DELETE /api/users/me</c>).</summary>
    Deactivated,
}

/// <summary>An account. Times are UTC <see cref="DateTime"/>s: SQLite cannot compare <see cref="DateTimeOffset"/> in queries.</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>The address as the user typed it (NFKC, trimmed).</summary>
    public required string Email { get; set; }

    /// <summary>The NFKC, trimmed, lower-cased address: unique, case-insensitive identity of the account (login looks it up).</summary>
    public required string NormalizedEmail { get; set; }

    public required string Name { get; set; }
    public string? Phone { get; set; }

    /// <summary>Free-form preferences as a JSON object of strings.</summary>
    public string PreferencesJson { get; set; } = "{}";

    /// <summary><c>PasswordHasher&lt;User&gt;</c> output (PBKDF2, salted); never the password.</summary>
    public required string PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];
    public bool EmailVerified { get; set; }
    public UserStatus Status { get; set; }
    public string? StatusReason { get; set; }

    /// <summary>Consecutive failed logins since the last success.</summary>
    public int FailedLoginCount { get; set; }

    /// <summary>No login succeeds before this time.</summary>
    public DateTime? LockoutEnd { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime PasswordChangedAt { get; set; }

    /// <summary>Optimistic concurrency: changed on every update.</summary>
    public Guid Version { get; set; }
}
