using EStore.Contracts.Events;
using EStore.Order.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Order.Services;

/// <summary>
/// Cancels checkouts with no outcome after <see cref="OrderOptions.CheckoutTimeoutMinutes"/> (product-service releases the
/// reservation, payment-service refunds a late capture) and forgets idempotency keys older than
/// <see cref="OrderOptions.IdempotencyKeyHours"/>, every <see cref="OrderOptions.SweepIntervalSeconds"/> on the service's
/// clock. Instances may sweep together: each cancellation is saved under the checkout's version, so an outcome that
/// arrives meanwhile (or another instance) wins and this one skips it.
/// </summary>
public sealed partial class CheckoutTimeoutSweep(IServiceScopeFactory scopes, IOptions<OrderOptions> settings, TimeProvider time, ILogger<CheckoutTimeoutSweep> logger)
    : BackgroundService
{
    private const int Batch = 50;

    /// <summary>One round: returns how many checkouts it cancelled.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var options = settings.Value;
        var now = time.GetUtcNow();
        var cutoff = now - TimeSpan.FromMinutes(options.CheckoutTimeoutMinutes);
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
            await db.IdempotencyKeys.Where(k => k.CreatedAt < now - TimeSpan.FromHours(options.IdempotencyKeyHours)).ExecuteDeleteAsync(cancellationToken);
            due = await db.Checkouts.Where(c => c.Status == OrderStatus.Pending && c.CreatedAt < cutoff)
                .OrderBy(c => c.CreatedAt).Select(c => c.Id).Take(Batch).ToListAsync(cancellationToken);
        }
        var cancelled = 0;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var saga = scope.ServiceProvider.GetRequiredService<Saga>();
            if (await saga.LoadAsync(id, cancellationToken) is not { } checkout
                || !saga.Cancel(checkout, $"no outcome within {options.CheckoutTimeoutMinutes} minutes", CancelledBy.System, Saga.System))
            {
                continue;
            }
            try
            {
                await scope.ServiceProvider.GetRequiredService<OrderDbContext>().SaveChangesAsync(cancellationToken);
                cancelled++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // The saga's outcome (or another instance's sweep) changed it first.
            }
        }
        return cancelled;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Value.SweepIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await SweepAsync(stoppingToken) is > 0 and var count)
                    {
                        LogCancelled(count);
                    }
                }
                catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    LogFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled {Count} checkouts that had no outcome in time")]
    private partial void LogCancelled(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The checkout timeout sweep failed; it runs again next round: {Reason}")]
    private partial void LogFailed(string reason);
}
