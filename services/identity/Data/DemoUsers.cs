using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Identity.Services;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EStore.Identity.Data;

/// <summary>
/// The demo logins (<see cref="DemoAccounts"/>: an admin, the owner of a demo shop, a shopper) that a database gets
/// when <c>Demo:SeedData</c> is on (the local launcher; production configuration never sets it): active, e-mail
/// verified, with their fixed ids and known passwords, each announced with <c>UserRegistered</c>. An address that
/// already has an account is left as it is.
/// </summary>
public static class DemoUsers
{
    /// <summary>Adds the demo logins that are missing, with their events in the outbox, in one transaction.</summary>
    public static async Task SeedAsync(IdentityDbContext db, CancellationToken cancellationToken)
    {
        // This context's own outbox, so users and events commit in one SaveChanges.
        var outbox = db.Outbox();
        var hasher = db.GetService<IPasswordHasher<User>>();
        var now = db.GetService<TimeProvider>().GetUtcNow();
        var emails = DemoAccounts.All.Select(a => EmailAddresses.Normalize(a.Email)).ToList();
        var ids = DemoAccounts.All.Select(a => a.Id).ToList();
        var existing = await db.Users.Where(u => emails.Contains(u.NormalizedEmail) || ids.Contains(u.Id))
            .Select(u => new { u.Id, u.NormalizedEmail }).ToListAsync(cancellationToken);
        foreach (var account in DemoAccounts.All)
        {
            var normalized = EmailAddresses.Normalize(account.Email);
            if (existing.Any(u => u.Id == account.Id || u.NormalizedEmail == normalized))
            {
                continue;
            }
            var user = new User
            {
                Id = account.Id,
                Email = account.Email,
                NormalizedEmail = normalized,
                Name = account.Name,
                PasswordHash = "",
                Roles = [.. account.Roles],
                EmailVerified = true,
                Status = UserStatus.Active,
                CreatedAt = now.UtcDateTime,
                UpdatedAt = now.UtcDateTime,
                PasswordChangedAt = now.UtcDateTime,
                Version = Guid.NewGuid(),
            };
            user.PasswordHash = hasher.HashPassword(user, account.Password);
            db.Users.Add(user);
            outbox.Add(new UserRegistered(user.Id, user.Email, user.Name, [.. user.Roles]) { OccurredAt = now });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another instance starting at the same moment seeded them.
        }
    }
}
