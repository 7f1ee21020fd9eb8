using EStore.Cart.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Cart.Services;

/// <summary>
/// Deletes guest carts untouched for <see cref="CartOptions.GuestCartLifetimeDays"/>, every
/// <see cref="CartOptions.GuestSweepIntervalSeconds"/> on the service's clock. Several instances may sweep at once:
/// a delete by age is the same whoever runs it. Reads already treat an expired guest cart as gone.
/// </summary>
public sealed partial class GuestCartSweep(IServiceScopeFactory scopes, IOptions<CartOptions> settings, TimeProvider time, ILogger<GuestCartSweep> logger)
    : BackgroundService
{
    /// <summary>Deletes the expired guest carts (their lines go with them); returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CartDbContext>();
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(settings.Value.GuestCartLifetimeDays);
        return await db.Carts.Where(c => c.OwnerId == null && c.UpdatedAt <= cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(settings.Value.GuestSweepIntervalSeconds), time, stoppingToken);
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogSwept(deleted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The database may be away for a while (or not migrated yet); the next round tries again.
                LogFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired guest carts")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The guest-cart sweep failed; it runs again next round: {Reason}")]
    private partial void LogFailed(string reason);
}
