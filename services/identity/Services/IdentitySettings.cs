using EStore.Platform.Hosting;

namespace EStore.Identity.Services;

/// <summary>identity-service's own settings (<c>Identity:*</c>); services/identity/README.md lists them.</summary>
public sealed record IdentitySettings
{
    public const string AccessTokenMinutesKey = "Identity:Tokens:AccessTokenMinutes";
    public const string RefreshTokenDaysKey = "Identity:Tokens:RefreshTokenDays";
    public const string SessionMaxDaysKey = "Identity:Tokens:SessionMaxDays";
    public const string KeyRotationDaysKey = "Identity:Keys:RotationDays";
    public const string KeyActivationDelayKey = "Identity:Keys:ActivationDelayMinutes";
    public const string KeyCheckIntervalKey = "Identity:Keys:CheckIntervalSeconds";
    public const string DataProtectionFolderKey = "Identity:DataProtection:KeysFolder";
    public const string PasswordMinLengthKey = "Identity:Password:MinLength";
    public const string Pbkdf2IterationsKey = "Identity:Password:Pbkdf2Iterations";
    public const string LockoutMaxFailuresKey = "Identity:Lockout:MaxFailedAttempts";
    public const string LockoutBaseKey = "Identity:Lockout:BaseLockoutSeconds";
    public const string LockoutMaxKey = "Identity:Lockout:MaxLockoutSeconds";
    public const string VerificationHoursKey = "Identity:Verification:TokenHours";
    public const string ResetMinutesKey = "Identity:PasswordReset:TokenMinutes";
    public const string MailCooldownKey = "Identity:Mail:CooldownSeconds";
    public const string MailPollKey = "Identity:Mail:PollMilliseconds";
    public const string RequireVerifiedEmailKey = "Identity:Login:RequireVerifiedEmail";
    public const string AdminEmailKey = "Identity:Admin:Email";
    public const string AdminPasswordKey = "Identity:Admin:Password";

    /// <summary>Lifetime of access tokens (default 15 min).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>Lifetime of each refresh token (default 14 days; rotation issues a fresh one).</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(14);
    /// <summary>Absolute session limit from login, whatever the rotations (default 30 days; ASVS 10.4.8).</summary>
    public TimeSpan SessionMaxLifetime { get; init; } = TimeSpan.FromDays(30);
    /// <summary>Age at which a signing key is replaced (default 30 days).</summary>
    public TimeSpan KeyRotationAge { get; init; } = TimeSpan.FromDays(30);
    /// <summary>How long a new key is published before it signs (default 10 min, more than validators' JWKS refresh).</summary>
    public TimeSpan KeyActivationDelay { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How often key rotation and token cleanup run (default 5 min).</summary>
    public TimeSpan KeyCheckInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Where the Data Protection key ring lives; null for the identity database.</summary>
    public string? DataProtectionFolder { get; init; }
    /// <summary>Shortest password (default 8, ASVS 6.2.1).</summary>
    public int PasswordMinLength { get; init; } = 8;
    /// <summary>PBKDF2 iterations of <c>PasswordHasher</c> (default: the framework's, 100,000 HMAC-SHA512).</summary>
    public int? Pbkdf2Iterations { get; init; }
    /// <summary>Failures before the first lockout (default 5).</summary>
    public int LockoutMaxFailures { get; init; } = 5;
    /// <summary>First lockout; doubles with each further failure (default 60 s).</summary>
    public TimeSpan LockoutBase { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Longest lockout (default 15 min).</summary>
    public TimeSpan LockoutMax { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>Lifetime of e-mail verification tokens (default 24 h).</summary>
    public TimeSpan VerificationTokenLifetime { get; init; } = TimeSpan.FromHours(24);
    /// <summary>Lifetime of password-reset tokens (default 30 min).</summary>
    public TimeSpan ResetTokenLifetime { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>At most one verification or reset mail per account in this window (default 60 s).</summary>
    public TimeSpan MailCooldown { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the mail worker looks for stored forgot-password and verification requests (default 500 ms).</summary>
    public TimeSpan MailPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Whether unverified accounts are refused at login (default false: they log in with <c>email_verified=false</c>).</summary>
    public bool RequireVerifiedEmail { get; init; }
    /// <summary>The administrator created at startup, if configured.</summary>
    public string? AdminEmail { get; init; }
    /// <summary>Their initial password.</summary>
    public string? AdminPassword { get; init; }

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="StartupConfigurationException">A value is malformed.</exception>
    public static IdentitySettings FromConfiguration(IConfiguration configuration)
    {
        var settings = new IdentitySettings
        {
            AccessTokenLifetime = TimeSpan.FromMinutes(SettingValues.Int(configuration, AccessTokenMinutesKey, 15, 1, 60)),
            RefreshTokenLifetime = TimeSpan.FromDays(SettingValues.Int(configuration, RefreshTokenDaysKey, 14, 1, 90)),
            SessionMaxLifetime = TimeSpan.FromDays(SettingValues.Int(configuration, SessionMaxDaysKey, 30, 1, 365)),
            KeyRotationAge = TimeSpan.FromDays(SettingValues.Int(configuration, KeyRotationDaysKey, 30, 1, 365)),
            KeyActivationDelay = TimeSpan.FromMinutes(SettingValues.Int(configuration, KeyActivationDelayKey, 10, 0, 1440)),
            KeyCheckInterval = TimeSpan.FromSeconds(SettingValues.Int(configuration, KeyCheckIntervalKey, 300, 1, 86_400)),
            DataProtectionFolder = configuration[DataProtectionFolderKey] is { Length: > 0 } folder ? folder.Trim() : null,
            PasswordMinLength = SettingValues.Int(configuration, PasswordMinLengthKey, 8, 8, 64),
            Pbkdf2Iterations = configuration[Pbkdf2IterationsKey] is { Length: > 0 } ? SettingValues.Int(configuration, Pbkdf2IterationsKey, 100_000, 100_000, 10_000_000) : null,
            LockoutMaxFailures = SettingValues.Int(configuration, LockoutMaxFailuresKey, 5, 1, 100),
            LockoutBase = TimeSpan.FromSeconds(SettingValues.Int(configuration, LockoutBaseKey, 60, 1, 86_400)),
            LockoutMax = TimeSpan.FromSeconds(SettingValues.Int(configuration, LockoutMaxKey, 900, 1, 86_400)),
            VerificationTokenLifetime = TimeSpan.FromHours(SettingValues.Int(configuration, VerificationHoursKey, 24, 1, 24 * 14)),
            ResetTokenLifetime = TimeSpan.FromMinutes(SettingValues.Int(configuration, ResetMinutesKey, 30, 5, 24 * 60)),
            MailCooldown = TimeSpan.FromSeconds(SettingValues.Int(configuration, MailCooldownKey, 60, 0, 86_400)),
            MailPollInterval = TimeSpan.FromMilliseconds(SettingValues.Int(configuration, MailPollKey, 500, 10, 60_000)),
            RequireVerifiedEmail = SettingValues.Bool(configuration, RequireVerifiedEmailKey, false),
            AdminEmail = configuration[AdminEmailKey] is { Length: > 0 } email ? email.Trim() : null,
            AdminPassword = configuration[AdminPasswordKey] is { Length: > 0 } password ? password : null,
        };
        if (settings.LockoutMax < settings.LockoutBase)
        {
            throw new StartupConfigurationException(LockoutMaxKey, $"must not be below {LockoutBaseKey}.");
        }
        if (settings.SessionMaxLifetime < settings.RefreshTokenLifetime)
        {
            throw new StartupConfigurationException(SessionMaxDaysKey, $"must not be below {RefreshTokenDaysKey}.");
        }
        if ((settings.AdminEmail is null) != (settings.AdminPassword is null))
        {
            throw new StartupConfigurationException(settings.AdminEmail is null ? AdminEmailKey : AdminPasswordKey,
                $"is required when {(settings.AdminEmail is null ? AdminPasswordKey : AdminEmailKey)} is set.");
        }
        return settings;
    }
}
