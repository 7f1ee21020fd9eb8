using EStore.Identity.Data;
using EStore.Identity.Dtos;
using EStore.Platform.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// Password login. Every refusal (unknown e-mail, wrong password, locked, disabled) gets the same answer
/// after the same work: an unknown e-mail is checked against a dummy hash, so the PBKDF2 cost, which
/// dominates the time, is paid either way. Repeated failures lock the account with exponential backoff.
/// </summary>
public sealed partial class LoginService(
    IdentityDbContext db,
    IPasswordHasher<User> hasher,
    DummyPasswordHash dummy,
    SessionService sessions,
    IdentitySettings settings,
    TimeProvider time,
    ILogger<LoginService> logger)
{
    /// <summary>The one answer to every failed login.</summary>
    public static readonly Error InvalidCredentials = Error.Unauthorized("Invalid e-mail or password.");

    public async Task<Result<TokenResponse>> LoginAsync(LoginRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors["email"] = ["is required."];
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["is required."];
        }
        else if (request.Password.Length > PasswordPolicy.MaxLength)
        {
            // Refused before hashing: nobody has a longer password, and long inputs cost CPU.
            return InvalidCredentials;
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        var normalized = EmailAddresses.Normalize(request.Email!);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null)
        {
            hasher.VerifyHashedPassword(dummy.User, dummy.Hash, request.Password!);
            LogFailed("unknown e-mail", null);
            return InvalidCredentials;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password!);
        if (user.LockoutEnd > now)
        {
            // The right password does not help during a lockout, and the answer does not tell.
            LogFailed("locked out", user.Id);
            return InvalidCredentials;
        }
        if (result == PasswordVerificationResult.Failed)
        {
            await RecordFailureAsync(user, now, cancellationToken);
            return InvalidCredentials;
        }
        if (user.Status != UserStatus.Active)
        {
            LogFailed($"account {user.Status}", user.Id);
            return InvalidCredentials;
        }
        if (settings.RequireVerifiedEmail && !user.EmailVerified)
        {
            // Only after the right password: this tells nothing to someone who does not own the account.
            return Error.Forbidden("Verify your e-mail address before logging in.");
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password!);
        }
        user.FailedLoginCount = 0;
        user.LockoutEnd = null;
        var tokens = await sessions.StartAsync(user, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return tokens;
    }

    private async Task RecordFailureAsync(User user, DateTime now, CancellationToken cancellationToken)
    {
        // Counted in the database, so concurrent attempts on several instances all count.
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, u => u.FailedLoginCount + 1), cancellationToken);
        var failures = await db.Users.Where(u => u.Id == user.Id).Select(u => u.FailedLoginCount).SingleAsync(cancellationToken);
        if (failures >= settings.LockoutMaxFailures)
        {
            var lockout = LockoutFor(settings, failures);
            await db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, (DateTime?)(now + lockout)), cancellationToken);
            LogLockedOut(user.Id, failures, (int)lockout.TotalSeconds);
        }
        else
        {
            LogFailed("wrong password", user.Id);
        }
    }

    /// <summary>The lockout after the <paramref name="failures"/>th failure: the base, doubled for each failure beyond the limit, capped.</summary>
    public static TimeSpan LockoutFor(IdentitySettings settings, int failures)
    {
        var doublings = Math.Min(failures - settings.LockoutMaxFailures, 20);
        var seconds = settings.LockoutBase.TotalSeconds * Math.Pow(2, doublings);
        return TimeSpan.FromSeconds(Math.Min(seconds, settings.LockoutMax.TotalSeconds));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Login failed ({Reason}) for user {UserId}")]
    private partial void LogFailed(string reason, Guid? userId);

    [LoggerMessage(EventId = 4002, EventName = "SecurityAccountLockedOut", Level = LogLevel.Warning,
        Message = "SECURITY: user {UserId} locked out for {Seconds} s after {Failures} consecutive failed logins")]
    private partial void LogLockedOut(Guid userId, int failures, int seconds);
}

/// <summary>A hash of a random password, checked when the e-mail is unknown so that the refusal costs the same.</summary>
public sealed class DummyPasswordHash
{
    public DummyPasswordHash(IPasswordHasher<User> hasher)
    {
        User = new User { Email = "", NormalizedEmail = "", Name = "", PasswordHash = "" };
        Hash = hasher.HashPassword(User, SecretTokens.Create());
    }

    public User User { get; }
    public string Hash { get; }
}
