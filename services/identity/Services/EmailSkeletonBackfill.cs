using EStore.Identity.Data;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Text;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// At startup, gives accounts created before the <c>EmailSkeleton</c> column their skeleton. Two existing accounts
/// that already look alike keep the older one's skeleton; the other stays without one (logged), so no existing
/// account is locked out.
/// </summary>
public sealed partial class EmailSkeletonBackfill(IServiceScopeFactory scopes, ILogger<EmailSkeletonBackfill> logger) : IStartupInitializer
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Skeletons from ICU and from the built-in table differ: every instance of a deployment must use the same.
        LogEngine(UnicodeText.Engine);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var missing = await db.Users.Where(u => u.EmailSkeleton == null).OrderBy(u => u.CreatedAt).ToListAsync(cancellationToken);
        foreach (var user in missing)
        {
            user.EmailSkeleton = EmailAddresses.Skeleton(user.Email);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                db.Entry(user).Property(u => u.EmailSkeleton).CurrentValue = null;
                db.Entry(user).State = EntityState.Unchanged;
                LogLookalike(user.Id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unicode engine for e-mail and name hygiene: {Engine}")]
    private partial void LogEngine(string engine);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SECURITY: user {UserId} has an address that looks like an older account's; left without a skeleton")]
    private partial void LogLookalike(Guid userId);
}
