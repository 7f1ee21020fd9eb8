using EStore.Contracts.Events;
using EStore.Identity.Data;
using EStore.Identity.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// User management for administrators (RBAC): list and search, roles, disable and enable. Removing a role
/// or disabling revokes the user's live access tokens, so the change takes effect everywhere within a
/// second rather than when the tokens expire.
/// </summary>
public sealed partial class UserAdminService(
    IdentityDbContext db,
    IEventOutbox outbox,
    SessionService sessions,
    TimeProvider time,
    ILogger<UserAdminService> logger)
{
    public async Task<PagedResult<AdminUserDto>> ListAsync(PageQuery paging, string? search, CancellationToken cancellationToken)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            // Contains() becomes strpos/instr, so % and _ in the search are plain characters.
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(u => u.NormalizedEmail.Contains(term) || u.Name.ToLower().Contains(term));
        }
        var total = await query.CountAsync(cancellationToken);
        var users = await query.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(paging.Offset).Take(paging.Size)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return new PagedResult<AdminUserDto>([.. users.Select(u => u.ToAdminDto(now))], paging.Page, paging.Size, total);
    }

    public async Task<Result<AdminUserDto>> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken) is { } user
            ? user.ToAdminDto(time.GetUtcNow().UtcDateTime)
            : NotFound(id);

    public async Task<Result<AdminUserDto>> SetRolesAsync(CurrentUser admin, Guid id, SetRolesRequest request, CancellationToken cancellationToken)
    {
        if (request.Roles is not { Count: > 0 } requested)
        {
            return Error.Validation("roles", $"must list at least one of: {string.Join(", ", UserRoles.All)}.");
        }
        if (requested.Any(r => r is null || !UserRoles.IsKnown(r)))
        {
            var unknown = requested.First(r => r is null || !UserRoles.IsKnown(r));
            return Error.Validation("roles", $"'{unknown}' is not a role; roles are {string.Join(", ", UserRoles.All)}.");
        }
        if (await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken) is not { } user)
        {
            return NotFound(id);
        }
        var roles = UserRoles.All.Where(requested.Contains).ToList();
        if (id == admin.Id && !roles.Contains(UserRoles.Admin))
        {
            // Otherwise the last administrator could lock everyone out of user management.
            return Error.Conflict("You cannot remove your own admin role.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (!roles.SequenceEqual(user.Roles))
        {
            var removed = user.Roles.Except(roles).Any();
            user.Roles = roles;
            user.UpdatedAt = now;
            user.Version = Guid.NewGuid();
            outbox.Add(new UserRoleChanged(user.Id, [.. roles]) { OccurredAt = UserMapping.Utc(now) });
            if (removed)
            {
                await sessions.RevokeAccessTokensAsync(user.Id, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            LogRolesChanged(admin.Id, user.Id, string.Join(",", roles));
        }
        return user.ToAdminDto(now);
    }

    public async Task<Result<AdminUserDto>> DisableAsync(CurrentUser admin, Guid id, string? reason, CancellationToken cancellationToken)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? "disabled by an administrator" : reason.Trim();
        if (reason.Length > 500)
        {
            return Error.Validation("reason", "must be at most 500 characters long.");
        }
        if (id == admin.Id)
        {
            return Error.Conflict("You cannot disable your own account.");
        }
        if (await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken) is not { } user)
        {
            return NotFound(id);
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (user.Status != UserStatus.Disabled)
        {
            user.Status = UserStatus.Disabled;
            user.StatusReason = reason;
            user.UpdatedAt = now;
            user.Version = Guid.NewGuid();
            await sessions.RevokeAsync(user.Id, null, "account disabled", cancellationToken);
            outbox.Add(new UserDisabled(user.Id, reason) { OccurredAt = UserMapping.Utc(now) });
            await db.SaveChangesAsync(cancellationToken);
            LogDisabled(admin.Id, user.Id, reason);
        }
        return user.ToAdminDto(now);
    }

    public async Task<Result<AdminUserDto>> EnableAsync(CurrentUser admin, Guid id, CancellationToken cancellationToken)
    {
        if (await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken) is not { } user)
        {
            return NotFound(id);
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (user.Status != UserStatus.Active || user.LockoutEnd is not null)
        {
            if (user.Status != UserStatus.Active)
            {
                // Services holding the user's data since UserDisabled (address-service) release it.
                outbox.Add(new UserEnabled(user.Id) { OccurredAt = UserMapping.Utc(now) });
            }
            user.Status = UserStatus.Active;
            user.StatusReason = null;
            user.FailedLoginCount = 0;
            user.LockoutEnd = null;
            user.UpdatedAt = now;
            user.Version = Guid.NewGuid();
            await db.SaveChangesAsync(cancellationToken);
            LogEnabled(admin.Id, user.Id);
        }
        return user.ToAdminDto(now);
    }

    /// <summary>Adds <paramref name="role"/> (for example <c>shop_owner</c> when the user opened a shop); the caller saves.</summary>
    /// <returns>False when the user does not exist or already has it.</returns>
    public async Task<bool> GrantAsync(Guid userId, string role, CancellationToken cancellationToken)
    {
        if (await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) is not { } user || user.Roles.Contains(role))
        {
            return false;
        }
        var now = time.GetUtcNow().UtcDateTime;
        user.Roles = [.. UserRoles.All.Where(r => r == role || user.Roles.Contains(r))];
        user.UpdatedAt = now;
        user.Version = Guid.NewGuid();
        outbox.Add(new UserRoleChanged(user.Id, [.. user.Roles]) { OccurredAt = UserMapping.Utc(now) });
        return true;
    }

    private static Error NotFound(Guid id) => Error.NotFound($"User {id} does not exist.");

    [LoggerMessage(EventId = 4010, EventName = "SecurityRolesChanged", Level = LogLevel.Information, Message = "SECURITY: admin {AdminId} set the roles of user {UserId} to {Roles}")]
    private partial void LogRolesChanged(Guid adminId, Guid userId, string roles);

    [LoggerMessage(EventId = 4011, EventName = "SecurityUserDisabled", Level = LogLevel.Information, Message = "SECURITY: admin {AdminId} disabled user {UserId} ({Reason})")]
    private partial void LogDisabled(Guid adminId, Guid userId, string reason);

    [LoggerMessage(EventId = 4012, EventName = "SecurityUserEnabled", Level = LogLevel.Information, Message = "SECURITY: admin {AdminId} enabled user {UserId}")]
    private partial void LogEnabled(Guid adminId, Guid userId);
}
