using EStore.Platform.Hosting;

namespace EStore.Identity.Services;

/// <summary>
/// identity-service's own settings (<c>Identity:*</c>), validated at start; services/identity/README.md lists them.
/// The flat properties are what the services read.
/// </summary>
public sealed class IdentitySettings : IValidatedOptions
{
    public const string Section = "Identity";

    public const string RefreshTokenDaysKey = "Identity:Tokens:RefreshTokenDays";
    public const string LockoutBaseKey = "Identity:Lockout:BaseLockoutSeconds";
    public const string AdminEmailKey = "Identity:Admin:Email";
    public const string AdminPasswordKey = "Identity:Admin:Password";

    /// <summary><c>Identity:Tokens:*</c>.</summary>
    public TokenOptions Tokens { get; set; } = new();
    /// <summary><c>Identity:Keys:*</c>.</summary>
    public KeyOptions Keys { get; set; } = new();
    /// <summary><c>Identity:DataProtection:*</c>.</summary>
    public DataProtectionOptions DataProtection { get; set; } = new();
    /// <summary><c>Identity:Password:*</c>.</summary>
    public PasswordOptions Password { get; set; } = new();
    /// <summary><c>Identity:Lockout:*</c>.</summary>
    public LockoutOptions Lockout { get; set; } = new();
    /// <summary><c>Identity:Verification:*</c>.</summary>
    public VerificationOptions Verification { get; set; } = new();
    /// <summary><c>Identity:PasswordReset:*</c>.</summary>
    public PasswordResetOptions PasswordReset { get; set; } = new();
    /// <summary><c>Identity:Mail:*</c>.</summary>
    public MailOptions Mail { get; set; } = new();
    /// <summary><c>Identity:Login:*</c>.</summary>
    public LoginOptions Login { get; set; } = new();
    /// <summary><c>Identity:Admin:*</c>.</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>Lifetime of access tokens (default 15 min).</summary>
    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(Tokens.AccessTokenMinutes);
    /// <summary>Lifetime of each refresh token (default 14 days; rotation issues a fresh one).</summary>
    public TimeSpan RefreshTokenLifetime => TimeSpan.FromDays(Tokens.RefreshTokenDays);
    /// <summary>Absolute session limit from login, whatever the rotations (default 30 days; ASVS 10.4.8).</summary>
    public TimeSpan SessionMaxLifetime => TimeSpan.FromDays(Tokens.SessionMaxDays);
    /// <summary>Age at which a signing key is replaced (default 30 days).</summary>
    public TimeSpan KeyRotationAge => TimeSpan.FromDays(Keys.RotationDays);
    /// <summary>How long a new key is published before it signs (default 10 min, more than validators' JWKS refresh).</summary>
    public TimeSpan KeyActivationDelay => TimeSpan.FromMinutes(Keys.ActivationDelayMinutes);
    /// <summary>How often key rotation and token cleanup run (default 5 min).</summary>
    public TimeSpan KeyCheckInterval => TimeSpan.FromSeconds(Keys.CheckIntervalSeconds);
    /// <summary>Where the Data Protection key ring lives; null for the identity database.</summary>
    public string? DataProtectionFolder => DataProtection.KeysFolder;
    /// <summary>Shortest password (default 8, ASVS 6.2.1).</summary>
    public int PasswordMinLength => Password.MinLength;
    /// <summary>PBKDF2 iterations of <c>PasswordHasher</c> (default: the framework's, 100,000 HMAC-SHA512).</summary>
    public int? Pbkdf2Iterations => Password.Pbkdf2Iterations;
    /// <summary>Failures before the first lockout (default 5).</summary>
    public int LockoutMaxFailures => Lockout.MaxFailedAttempts;
    /// <summary>First lockout; doubles with each further failure (default 60 s).</summary>
    public TimeSpan LockoutBase => TimeSpan.FromSeconds(Lockout.BaseLockoutSeconds);
    /// <summary>Longest lockout (default 15 min).</summary>
    public TimeSpan LockoutMax => TimeSpan.FromSeconds(Lockout.MaxLockoutSeconds);
    /// <summary>Lifetime of e-mail verification tokens (default 24 h).</summary>
    public TimeSpan VerificationTokenLifetime => TimeSpan.FromHours(Verification.TokenHours);
    /// <summary>Lifetime of password-reset tokens (default 30 min).</summary>
    public TimeSpan ResetTokenLifetime => TimeSpan.FromMinutes(PasswordReset.TokenMinutes);
    /// <summary>At most one verification or reset mail per account in this window (default 60 s).</summary>
    public TimeSpan MailCooldown => TimeSpan.FromSeconds(Mail.CooldownSeconds);
    /// <summary>How often the mail worker looks for stored forgot-password and verification requests (default 500 ms).</summary>
    public TimeSpan MailPollInterval => TimeSpan.FromMilliseconds(Mail.PollMilliseconds);
    /// <summary>Whether unverified accounts are refused at login (default false: they log in with <c>email_verified=false</c>).</summary>
    public bool RequireVerifiedEmail => Login.RequireVerifiedEmail;
    /// <summary>The administrator created at startup, if configured.</summary>
    public string? AdminEmail => Admin.Email;
    /// <summary>Their initial password.</summary>
    public string? AdminPassword => Admin.Password;

    public void Validate(OptionsCheck check)
    {
        check.Range(Tokens.AccessTokenMinutes, 1, 60);
        check.Range(Tokens.RefreshTokenDays, 1, 90);
        check.Range(Tokens.SessionMaxDays, 1, 365);
        check.Range(Keys.RotationDays, 1, 365);
        check.Range(Keys.ActivationDelayMinutes, 0, 1440);
        check.Range(Keys.CheckIntervalSeconds, 1, 86_400);
        check.Range(Password.MinLength, 8, 64);
        check.Range(Password.Pbkdf2Iterations, 100_000, 10_000_000);
        check.Range(Lockout.MaxFailedAttempts, 1, 100);
        check.Range(Lockout.BaseLockoutSeconds, 1, 86_400);
        check.Range(Lockout.MaxLockoutSeconds, 1, 86_400);
        check.Range(Verification.TokenHours, 1, 24 * 14);
        check.Range(PasswordReset.TokenMinutes, 5, 24 * 60);
        check.Range(Mail.CooldownSeconds, 0, 86_400);
        check.Range(Mail.PollMilliseconds, 10, 60_000);
        check.Require(Lockout.MaxLockoutSeconds >= Lockout.BaseLockoutSeconds, "Lockout.MaxLockoutSeconds", $"must not be below {LockoutBaseKey}.");
        check.Require(Tokens.SessionMaxDays >= Tokens.RefreshTokenDays, "Tokens.SessionMaxDays", $"must not be below {RefreshTokenDaysKey}.");
        if ((Admin.Email is null) != (Admin.Password is null))
        {
            check.Fail(Admin.Email is null ? "Admin.Email" : "Admin.Password",
                $"is required when {(Admin.Email is null ? AdminPasswordKey : AdminEmailKey)} is set.");
        }
    }

    public sealed class TokenOptions
    {
        public int AccessTokenMinutes { get; set; } = 15;
        public int RefreshTokenDays { get; set; } = 14;
        public int SessionMaxDays { get; set; } = 30;
    }

    public sealed class KeyOptions
    {
        public int RotationDays { get; set; } = 30;
        public int ActivationDelayMinutes { get; set; } = 10;
        public int CheckIntervalSeconds { get; set; } = 300;
    }

    public sealed class DataProtectionOptions
    {
        public string? KeysFolder { get; set; }
    }

    public sealed class PasswordOptions
    {
        public int MinLength { get; set; } = 8;
        public int? Pbkdf2Iterations { get; set; }
    }

    public sealed class LockoutOptions
    {
        public int MaxFailedAttempts { get; set; } = 5;
        public int BaseLockoutSeconds { get; set; } = 60;
        public int MaxLockoutSeconds { get; set; } = 900;
    }

    public sealed class VerificationOptions
    {
        public int TokenHours { get; set; } = 24;
    }

    public sealed class PasswordResetOptions
    {
        public int TokenMinutes { get; set; } = 30;
    }

    public sealed class MailOptions
    {
        public int CooldownSeconds { get; set; } = 60;
        public int PollMilliseconds { get; set; } = 500;
    }

    public sealed class LoginOptions
    {
        public bool RequireVerifiedEmail { get; set; }
    }

    public sealed class AdminOptions
    {
        public string? Email { get; set; }

        /// <summary>Kept as given: a password may begin or end with spaces.</summary>
        [Secret]
        public string? Password { get; set; }
    }
}
