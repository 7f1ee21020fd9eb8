using EStore.Address.Data;
using EStore.Address.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Address.Messaging;

/// <summary>Erases the address books of disabled users whose retention has ended (see <see cref="UserDisabledHandler"/>).</summary>
public sealed partial class DisabledAddressEraser(IServiceScopeFactory scopes, IOptions<AddressOptions> settings, TimeProvider time, ILogger<DisabledAddressEraser> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(settings.Value.ErasureSweepMinutes), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EraseDueAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex);
            }
        }
    }

    /// <summary>Erases every held book whose retention ended before <paramref name="now"/>; returns how many.</summary>
    public async Task<int> EraseDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        var due = await db.Books.AsNoTracking().Where(b => b.EraseAfter != null && b.EraseAfter <= now)
            .Select(b => b.UserId).Take(500).ToListAsync(cancellationToken);
        foreach (var userId in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Only if still held: a user enabled again since the query keeps their addresses.
            if (await db.Books.Where(b => b.UserId == userId && b.EraseAfter != null && b.EraseAfter <= now).ExecuteDeleteAsync(cancellationToken) == 1)
            {
                await db.Addresses.Where(a => a.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasing disabled users' addresses failed; retrying on the next sweep")]
    private partial void LogSweepFailed(Exception exception);
}
