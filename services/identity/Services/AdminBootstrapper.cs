using EStore.Contracts.Events;
using EStore.Identity.Data;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// Creates the first administrator from <c>Identity:Admin:Email</c> and <c>Identity:Admin:Password</c> at
/// startup, or gives an existing account of that address the admin role. Nothing is seeded when the keys
/// are absent (no default admin account, ASVS 6.3.2). An existing password is never overwritten.
/// </summary>
internal sealed partial class AdminBootstrapper(
    IServiceScopeFactory scopes,
    IdentitySettings settings,
    PasswordPolicy passwords,
    TimeProvider time,
    ILogger<AdminBootstrapper> logger) : IStartupInitializer
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (settings.AdminEmail is not { } email || settings.AdminPassword is not { } password)
        {
            return;
        }
        if (!EmailAddresses.IsValid(email))
        {
            throw new StartupConfigurationException(IdentitySettings.AdminEmailKey, $"'{email}' is not a valid e-mail address.");
        }
        if (passwords.Check(password, email) is { } weak)
        {
            throw new StartupConfigurationException(IdentitySettings.AdminPasswordKey, weak);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IEventOutbox>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        var normalized = EmailAddresses.Normalize(email);
        var now = time.GetUtcNow();
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null)
        {
            user = new User
            {
                Id = Guid.CreateVersion7(),
                Email = email,
                NormalizedEmail = normalized,
                Name = "Administrator",
                PasswordHash = "",
                Roles = [UserRoles.Admin],
                EmailVerified = true,
                Status = UserStatus.Active,
                CreatedAt = now.UtcDateTime,
                UpdatedAt = now.UtcDateTime,
                PasswordChangedAt = now.UtcDateTime,
                Version = Guid.NewGuid(),
            };
            user.PasswordHash = hasher.HashPassword(user, password);
            db.Users.Add(user);
            outbox.Add(new UserRegistered(user.Id, user.Email, user.Name, [.. user.Roles]) { OccurredAt = now });
        }
        else if (!user.Roles.Contains(UserRoles.Admin))
        {
            user.Roles = [.. UserRoles.All.Where(r => r == UserRoles.Admin || user.Roles.Contains(r))];
            user.UpdatedAt = now.UtcDateTime;
            user.Version = Guid.NewGuid();
            outbox.Add(new UserRoleChanged(user.Id, [.. user.Roles]) { OccurredAt = now });
        }
        else
        {
            return;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            LogBootstrapped(user.Id);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another instance starting at the same moment created it.
        }
    }

    [LoggerMessage(EventId = 4020, EventName = "SecurityAdminBootstrapped", Level = LogLevel.Warning,
        Message = "SECURITY: administrator {UserId} set up from Identity:Admin:Email")]
    private partial void LogBootstrapped(Guid userId);
}
