using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;
using EStore.Product.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Messaging;

/// <summary>Releases reservations whose order was neither confirmed nor cancelled in time.</summary>
public sealed partial class ReservationExpiry(IServiceScopeFactory scopes, IOptions<ReservationOptions> settings, TimeProvider time, ILogger<ReservationExpiry> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Value.SweepSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReleaseExpiredAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex);
            }
        }
    }

    /// <summary>Releases every reservation that expired before <paramref name="now"/>; returns how many orders it released.</summary>
    public async Task<int> ReleaseExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IEventOutbox>();
        var orders = await db.Reservations.AsNoTracking()
            .Where(r => r.State == ReservationState.Reserved && r.ExpiresAt < now)
            .Select(r => r.OrderId).Distinct().OrderBy(id => id).Take(100).ToListAsync(cancellationToken);
        foreach (var orderId in orders)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var released = new List<StockLine>();
            foreach (var r in await ReservationSettlement.HeldAsync(db, orderId, cancellationToken))
            {
                if (await ReservationSettlement.SettleAsync(db, r, ReservationState.Released, cancellationToken))
                {
                    released.Add(new StockLine(r.ProductId, r.VariantId, r.Quantity));
                }
            }
            if (released.Count > 0)
            {
                // Released units can make a sold-out product available again.
                foreach (var product in released.GroupBy(l => l.ProductId))
                {
                    var change = product.GroupBy(l => l.VariantId!.Value).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
                    await ProductSignals.AvailabilityChangedAsync(db, outbox, product.Key, change, now, cancellationToken);
                }
                outbox.Add(new StockReleased(orderId, released, "reservation expired") { OccurredAt = now });
                await db.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return orders.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing expired reservations failed; retrying on the next sweep")]
    private partial void LogSweepFailed(Exception exception);
}
