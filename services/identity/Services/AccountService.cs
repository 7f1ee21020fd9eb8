using EStore.Contracts.Events;
using EStore.Identity.Data;
using EStore.Identity.Dtos;
using EStore.Platform.Data;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Identity.Services;

/// <summary>
/// Self-service account flows: registration, e-mail verification, password reset, profile, password
/// change and deactivation. Single-use tokens travel in events (notification-service mails them) and are
/// stored only as hashes. Requests about an e-mail address that may not exist always get the same answer.
/// </summary>
public sealed partial class AccountService(
    IdentityDbContext db,
    IEventOutbox outbox,
    IPasswordHasher<User> hasher,
    PasswordPolicy passwords,
    SessionService sessions,
    IdentitySettings settings,
    IOptions<AccountTokenOptions> tokenOptions,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    /// <summary>
    /// Creates a customer account. An address that already has an account (in any case, or as a full-width or
    /// otherwise NFKC-equivalent form) gets the very same answer, a 201 with an account-shaped body that no account
    /// stands behind, after the same work: registration does not tell who has an account (ASVS 6.3.8). Both paths
    /// hash the password, look the normalised address up (one query), then write in exactly one transaction with
    /// the same commit mode: the new account (user, outbox, sealed token) or a <see cref="PendingMail"/> row, with
    /// which the owner of the address gets a new verification mail if they have not verified it yet (off the request
    /// path). A registration racing another for the same address is refused by the unique index and answered alike.
    /// </summary>
    public async Task<Result<UserDto>> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (EmailAddresses.Check(request.Email) is { } badEmail)
        {
            errors["email"] = [badEmail];
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["is required."];
        }
        else if (request.Email is not null && passwords.Check(request.Password, request.Email) is { } weak)
        {
            errors["password"] = [weak];
        }
        if (ProfileRules.CheckName(request.Name) is { } badName)
        {
            errors["name"] = [badName];
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var email = EmailAddresses.Canonical(request.Email!);
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = email,
            NormalizedEmail = EmailAddresses.Normalize(email),
            Name = ProfileRules.NormalizeName(request.Name!),
            PasswordHash = "",
            // Whatever the client sent, a new account is a customer (OWASP API3).
            Roles = [UserRoles.Customer],
            Status = UserStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
            PasswordChangedAt = now,
            Version = Guid.NewGuid(),
        };
        // Hashed on both paths: the hash is most of a registration's time.
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        var answer = user.ToDto();
        var taken = await db.Users.AnyAsync(u => u.NormalizedEmail == user.NormalizedEmail, cancellationToken);
        if (taken)
        {
            // The caller sees what a new account would have shown; no account has this id.
            await StoreMailRequestAsync(user.NormalizedEmail, OneTimeTokenPurpose.EmailVerification, cancellationToken);
            LogDuplicateRegistration();
            return answer;
        }
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Users.Add(user);
            outbox.Add(new UserRegistered(user.Id, user.Email, user.Name, [.. user.Roles]) { OccurredAt = Utc(now) });
            AddOneTimeToken(user, OneTimeTokenPurpose.EmailVerification, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Only when another registration of this address committed between the lookup and the insert: the unique
            // index decides, and the loser is answered like any duplicate.
            db.ChangeTracker.Clear();
            await StoreMailRequestAsync(user.NormalizedEmail, OneTimeTokenPurpose.EmailVerification, cancellationToken);
            LogDuplicateRegistration();
            return answer;
        }
        LogRegistered(user.Id);
        return answer;
    }

    public async Task<Result<UserDto>> VerifyEmailAsync(VerifyEmailRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            return Error.Validation("token", "is required.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var userId = await ConsumeAsync(request.Token, OneTimeTokenPurpose.EmailVerification, cancellationToken);
        var user = userId is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || user.Status != UserStatus.Active)
        {
            return Error.BadRequest("The verification token is invalid, expired or already used.");
        }
        if (!user.EmailVerified)
        {
            user.EmailVerified = true;
            Touch(user);
            // Once, on the change: notification-service sends the welcome mail.
            outbox.Add(new EmailVerified(user.Id, user.Email, user.Name) { OccurredAt = time.GetUtcNow() });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return user.ToDto();
    }

    /// <summary>Sends a new verification token if the account exists and is unverified; says nothing either way.</summary>
    public Task<Result> ResendVerificationAsync(EmailRequest request, CancellationToken cancellationToken) =>
        RequestMailTokenAsync(request, OneTimeTokenPurpose.EmailVerification, cancellationToken);

    /// <summary>Sends a password-reset token if the account exists and is active; says nothing either way.</summary>
    public Task<Result> ForgotPasswordAsync(EmailRequest request, CancellationToken cancellationToken) =>
        RequestMailTokenAsync(request, OneTimeTokenPurpose.PasswordReset, cancellationToken);

    public async Task<Result> ResetPasswordAsync(ResetPasswordRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.Token))
        {
            errors["token"] = ["is required."];
        }
        if (string.IsNullOrEmpty(request.NewPassword))
        {
            errors["newPassword"] = ["is required."];
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var invalid = Error.BadRequest("The reset token is invalid, expired or already used.");
        var now = time.GetUtcNow().UtcDateTime;
        var pending = await FindUsableAsync(request.Token!, OneTimeTokenPurpose.PasswordReset, now, cancellationToken);
        var user = pending is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == pending.UserId, cancellationToken);
        if (user is null || user.Status != UserStatus.Active)
        {
            return invalid;
        }
        // The policy is checked before the token is spent, so a weak choice can be corrected.
        if (passwords.Check(request.NewPassword!, user.Email) is { } weak)
        {
            return Error.Validation("newPassword", weak);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await ConsumeAsync(request.Token!, OneTimeTokenPurpose.PasswordReset, cancellationToken) != user.Id)
        {
            return invalid;
        }
        SetPassword(user, request.NewPassword!, now);
        // Receiving the mail proves the address, and a reset ends every session (ASVS 7.4.3).
        user.EmailVerified = true;
        user.FailedLoginCount = 0;
        user.LockoutEnd = null;
        await sessions.RevokeAsync(user.Id, null, "password reset", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogPasswordReset(user.Id);
        return Result.Success;
    }

    public async Task<Result<UserDto>> GetProfileAsync(CurrentUser caller, CancellationToken cancellationToken) =>
        await FindActiveAsync(caller, cancellationToken) is { } user ? user.ToDto() : CallerGone;

    public async Task<Result<UserDto>> UpdateProfileAsync(CurrentUser caller, UpdateProfileRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ProfileRules.CheckName(request.Name) is { } badName)
        {
            errors["name"] = [badName];
        }
        var phone = string.IsNullOrWhiteSpace(request.Phone) ? null : request.Phone.Trim();
        if (ProfileRules.CheckPhone(phone) is { } badPhone)
        {
            errors["phone"] = [badPhone];
        }
        if (ProfileRules.CheckPreferences(request.Preferences) is { } badPreferences)
        {
            errors["preferences"] = [badPreferences];
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        if (await FindActiveAsync(caller, cancellationToken) is not { } user)
        {
            return CallerGone;
        }
        user.Name = ProfileRules.NormalizeName(request.Name!);
        user.Phone = phone;
        user.PreferencesJson = UserMapping.WritePreferences(request.Preferences);
        Touch(user);
        await db.SaveChangesAsync(cancellationToken);
        return user.ToDto();
    }

    public async Task<Result> ChangePasswordAsync(CurrentUser caller, ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors["currentPassword"] = ["is required."];
        }
        if (string.IsNullOrEmpty(request.NewPassword))
        {
            errors["newPassword"] = ["is required."];
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        if (await FindActiveAsync(caller, cancellationToken) is not { } user)
        {
            return CallerGone;
        }
        if (request.CurrentPassword!.Length > PasswordPolicy.MaxLength
            || hasher.VerifyHashedPassword(user, user.PasswordHash, request.CurrentPassword) == PasswordVerificationResult.Failed)
        {
            return Error.BadRequest("The current password is incorrect.");
        }
        if (passwords.Check(request.NewPassword!, user.Email) is { } weak)
        {
            return Error.Validation("newPassword", weak);
        }
        var now = time.GetUtcNow().UtcDateTime;
        SetPassword(user, request.NewPassword!, now);
        // Other sessions may belong to whoever knew the old password; this one stays.
        var keep = Guid.TryParse(caller.SessionId, out var sid) ? sid : (Guid?)null;
        await sessions.RevokeAsync(user.Id, null, "password changed", cancellationToken, keepFamilyId: keep);
        await db.SaveChangesAsync(cancellationToken);
        LogPasswordChanged(user.Id);
        return Result.Success;
    }

    public async Task<Result> DeactivateAsync(CurrentUser caller, CancellationToken cancellationToken)
    {
        if (await FindActiveAsync(caller, cancellationToken) is not { } user)
        {
            return CallerGone;
        }
        var now = time.GetUtcNow().UtcDateTime;
        user.Status = UserStatus.Deactivated;
        user.StatusReason = "deactivated by the user";
        Touch(user);
        await sessions.RevokeAsync(user.Id, null, "account deactivated", cancellationToken);
        sessions.RevokeAccessToken(user.Id, caller.TokenId, caller.ExpiresAt);
        outbox.Add(new UserDisabled(user.Id, user.StatusReason) { OccurredAt = Utc(now) });
        await db.SaveChangesAsync(cancellationToken);
        LogDeactivated(user.Id);
        return Result.Success;
    }

    // The token was valid, but its account is no longer usable: the same as an invalid token.
    private static Error CallerGone => Error.Unauthorized("A valid access token is required.", "Bearer error=\"invalid_token\"");

    private async Task<User?> FindActiveAsync(CurrentUser caller, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == caller.Id, cancellationToken);
        return user is { Status: UserStatus.Active } ? user : null;
    }

    /// <summary>
    /// The request-path half of forgot-password and resend-verification: checks the address's syntax (which says
    /// nothing about accounts) and stores a <see cref="PendingMail"/> row, for known and unknown addresses alike. The
    /// lookup, the token and the outbox write happen in <see cref="ProcessMailRequestAsync"/> on <see cref="MailRequestWorker"/>.
    /// </summary>
    private async Task<Result> RequestMailTokenAsync(EmailRequest request, OneTimeTokenPurpose purpose, CancellationToken cancellationToken)
    {
        if (EmailAddresses.Check(request.Email) is { } badEmail)
        {
            return Error.Validation("email", badEmail);
        }
        await StoreMailRequestAsync(EmailAddresses.Normalize(request.Email!), purpose, cancellationToken);
        return Result.Success;
    }

    /// <summary>
    /// One transaction with the normal (synchronous) commit, like a new registration's: the request paths that answer
    /// alike for known and unknown addresses commit the same way.
    /// </summary>
    private async Task StoreMailRequestAsync(string normalizedEmail, OneTimeTokenPurpose purpose, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.PendingMails.Add(new PendingMail { NormalizedEmail = normalizedEmail, Purpose = purpose, CreatedAt = time.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Sends the token if the account exists, is active and needs it, and no mail went out within the cooldown; in
    /// the same transaction the request's row is deleted, so a request is handled once even across instances and crashes.
    /// </summary>
    public async Task ProcessMailRequestAsync(PendingMail request, CancellationToken cancellationToken)
    {
        var purpose = request.Purpose;
        var done = db.PendingMails.Where(m => m.Id == request.Id);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == request.NormalizedEmail, cancellationToken);
        if (user is null || user.Status != UserStatus.Active || (purpose == OneTimeTokenPurpose.EmailVerification && user.EmailVerified))
        {
            await done.ExecuteDeleteAsync(cancellationToken);
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var recent = now - settings.MailCooldown;
        // At most one mail per cooldown and account: resending cannot be used to flood a mailbox (OWASP API4).
        if (await db.OneTimeTokens.AnyAsync(t => t.UserId == user.Id && t.Purpose == purpose && t.CreatedAt > recent, cancellationToken))
        {
            await done.ExecuteDeleteAsync(cancellationToken);
            LogMailSuppressed(purpose, user.Id);
            return;
        }
        // Only the newest token of a purpose works.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.OneTimeTokens.Where(t => t.UserId == user.Id && t.Purpose == purpose && t.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, (DateTime?)now), cancellationToken);
        AddOneTimeToken(user, purpose, now);
        await db.SaveChangesAsync(cancellationToken);
        await done.ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private void AddOneTimeToken(User user, OneTimeTokenPurpose purpose, DateTime now)
    {
        var token = SecretTokens.Create();
        var expires = now + (purpose == OneTimeTokenPurpose.PasswordReset ? settings.ResetTokenLifetime : settings.VerificationTokenLifetime);
        db.OneTimeTokens.Add(new OneTimeToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Purpose = purpose,
            TokenHash = SecretTokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = expires,
        });
        // The bus is read by every service: the token travels sealed for notification-service only.
        var key = tokenOptions.Value.Key;
        IIntegrationEvent mail = purpose == OneTimeTokenPurpose.PasswordReset
            ? new PasswordResetRequested(user.Id, user.Email, SealedToken.Seal(key, SealedToken.PasswordResetPurpose, user.Id, token), Utc(expires)) { OccurredAt = Utc(now) }
            : new EmailVerificationRequested(user.Id, user.Email, SealedToken.Seal(key, SealedToken.EmailVerificationPurpose, user.Id, token), Utc(expires)) { OccurredAt = Utc(now) };
        outbox.Add(mail);
    }

    private async Task<OneTimeToken?> FindUsableAsync(string token, OneTimeTokenPurpose purpose, DateTime now, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormed(token))
        {
            return null;
        }
        var hash = SecretTokens.Hash(token);
        return await db.OneTimeTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose && t.ConsumedAt == null && t.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Spends a token atomically (of two concurrent uses, one wins); the user it belonged to, or null.</summary>
    private async Task<Guid?> ConsumeAsync(string token, OneTimeTokenPurpose purpose, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var found = await FindUsableAsync(token, purpose, now, cancellationToken);
        if (found is null)
        {
            return null;
        }
        var spent = await db.OneTimeTokens.Where(t => t.Id == found.Id && t.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, (DateTime?)now), cancellationToken);
        return spent == 1 ? found.UserId : null;
    }

    private void SetPassword(User user, string password, DateTime now)
    {
        user.PasswordHash = hasher.HashPassword(user, password);
        user.PasswordChangedAt = now;
        Touch(user);
    }

    private void Touch(User user)
    {
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        user.Version = Guid.NewGuid();
    }

    private static DateTimeOffset Utc(DateTime time) => UserMapping.Utc(time);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} registered")]
    private partial void LogRegistered(Guid userId);

    [LoggerMessage(EventId = 4005, EventName = "SecurityDuplicateRegistration", Level = LogLevel.Information, Message = "SECURITY: registration for an address that already has an account; answered as a new one")]
    private partial void LogDuplicateRegistration();

    [LoggerMessage(EventId = 4003, EventName = "SecurityPasswordReset", Level = LogLevel.Information, Message = "SECURITY: password of user {UserId} reset; every session revoked")]
    private partial void LogPasswordReset(Guid userId);

    [LoggerMessage(EventId = 4004, EventName = "SecurityPasswordChanged", Level = LogLevel.Information, Message = "SECURITY: user {UserId} changed their password; other sessions revoked")]
    private partial void LogPasswordChanged(Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} deactivated their account")]
    private partial void LogDeactivated(Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Purpose} mail for user {UserId} suppressed: one was sent within the cooldown")]
    private partial void LogMailSuppressed(OneTimeTokenPurpose purpose, Guid userId);
}
