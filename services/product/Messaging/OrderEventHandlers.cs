using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;
using EStore.Product.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Messaging;

/// <summary>
/// The checkout saga's stock side. Runs inside the consumer's transaction (inbox row, effects and outbox commit
/// together); each reservation is a conditional UPDATE whose row lock serialises concurrent orders across
/// instances, so available stock never goes below zero.
/// </summary>
public sealed class OrderEventHandlers(ProductDbContext db, IEventOutbox outbox, IOptions<ReservationOptions> settings, TimeProvider time) :
    IEventHandler<OrderCreated>, IEventHandler<OrderCancelled>, IEventHandler<OrderConfirmed>, IEventHandler<OrderLineCancelled>
{
    public async Task HandleAsync(OrderCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        // A redelivery under another event id must not reserve twice.
        if (await db.Reservations.AnyAsync(r => r.OrderId == @event.OrderId, cancellationToken))
        {
            return;
        }
        var now = time.GetUtcNow();
        var lines = new List<(Guid ProductId, Guid VariantId, int Quantity)>();
        var shortages = new List<StockShortage>();
        foreach (var line in @event.Lines)
        {
            var candidates = await (from v in db.Variants
                                    join p in db.Products on v.ProductId equals p.Id
                                    where v.ProductId == line.ProductId && (line.VariantId == null || v.Id == line.VariantId)
                                    select new
                                    {
                                        v.Id,
                                        // Deleted products and those of shops that are not open cannot be bought.
                                        ForSale = p.DeletedAt == null
                                            && (p.ShopId == null || db.Shops.Any(s => s.Id == p.ShopId && s.Status == ShopStatus.Active)),
                                    }).ToListAsync(cancellationToken);
            // Without a variant id the product must have exactly one variant.
            var reason = line.Quantity <= 0 ? StockShortageReasons.InvalidQuantity
                : candidates.Count != 1 ? StockShortageReasons.UnknownItem
                : !candidates[0].ForSale ? StockShortageReasons.NotForSale
                : null;
            if (reason is not null)
            {
                shortages.Add(new StockShortage(line.ProductId, line.VariantId, line.Quantity, 0, reason));
                continue;
            }
            lines.Add((line.ProductId, candidates[0].Id, line.Quantity));
        }
        var reserved = new List<(Guid ProductId, Guid VariantId, int Quantity)>();
        if (shortages.Count == 0)
        {
            // One variant at a time in id order: concurrent orders lock rows in the same order and cannot deadlock.
            foreach (var group in lines.GroupBy(l => l.VariantId).OrderBy(g => g.Key))
            {
                var quantity = group.Sum(l => l.Quantity);
                var variantId = group.Key;
                var updated = await db.Variants.Where(v => v.Id == variantId && v.Stock - v.Reserved >= quantity)
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.Reserved, v => v.Reserved + quantity), cancellationToken);
                if (updated == 1)
                {
                    reserved.Add((group.First().ProductId, variantId, quantity));
                }
                else
                {
                    var available = await db.Variants.Where(v => v.Id == variantId).Select(v => v.Stock - v.Reserved).SingleAsync(cancellationToken);
                    shortages.Add(new StockShortage(group.First().ProductId, variantId, quantity, available, StockShortageReasons.InsufficientStock));
                }
            }
        }
        if (shortages.Count > 0)
        {
            // All or nothing: give back what this order already took.
            foreach (var (_, variantId, quantity) in reserved)
            {
                await db.Variants.Where(v => v.Id == variantId)
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.Reserved, v => v.Reserved - quantity), cancellationToken);
            }
            var summary = shortages.All(s => s.Reason == StockShortageReasons.InsufficientStock) ? "insufficient stock" : "some lines cannot be ordered";
            outbox.Add(new StockReservationFailed(@event.OrderId, summary, shortages) { OccurredAt = now });
            return;
        }
        // Only now that the whole order holds: a failed order gave everything back and changed nothing.
        foreach (var (productId, variantId, quantity) in reserved)
        {
            await LowStockAfterAsync(productId, variantId, availableChange: -quantity, now, cancellationToken);
        }
        await AvailabilityAfterAsync(reserved, sign: -1, now, cancellationToken);
        var expiresAt = now.AddMinutes(settings.Value.TtlMinutes);
        db.Reservations.AddRange(reserved.Select(r => new Reservation
        {
            OrderId = @event.OrderId,
            ProductId = r.ProductId,
            VariantId = r.VariantId,
            Quantity = r.Quantity,
            State = ReservationState.Reserved,
            ExpiresAt = expiresAt,
        }));
        outbox.Add(new StockReserved(@event.OrderId, [.. reserved.Select(r => new StockLine(r.ProductId, r.VariantId, r.Quantity))], expiresAt) { OccurredAt = now });
    }

    public async Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        var released = new List<Reservation>();
        foreach (var reservation in await ReservationSettlement.HeldAsync(db, @event.OrderId, cancellationToken))
        {
            if (await ReservationSettlement.SettleAsync(db, reservation, ReservationState.Released, cancellationToken))
            {
                released.Add(reservation);
            }
        }
        if (released.Count == 0)
        {
            return;
        }
        await AvailabilityAfterAsync([.. released.Select(r => (r.ProductId, r.VariantId, r.Quantity))], sign: 1, time.GetUtcNow(), cancellationToken);
        outbox.Add(new StockReleased(@event.OrderId, [.. released.Select(r => new StockLine(r.ProductId, r.VariantId, r.Quantity))], @event.Reason)
        {
            OccurredAt = time.GetUtcNow(),
        });
    }

    public async Task HandleAsync(OrderConfirmed @event, EventContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var reservation in await ReservationSettlement.HeldAsync(db, @event.OrderId, cancellationToken))
        {
            // The sold units leave both the reserved count and the stock on hand; the ledger records the sale.
            // Available units (stock - reserved) do not change, so no low-stock crossing can happen here.
            if (!await ReservationSettlement.SettleAsync(db, reservation, ReservationState.Committed, cancellationToken))
            {
                continue;
            }
            var stockAfter = await db.Variants.Where(v => v.Id == reservation.VariantId).Select(v => v.Stock).SingleAsync(cancellationToken);
            db.StockMovements.Add(new StockMovement
            {
                VariantId = reservation.VariantId,
                Kind = StockMovementKind.Sale,
                Delta = -reservation.Quantity,
                StockAfter = stockAfter,
                Reason = $"order {@event.OrderId}",
                At = now,
            });
        }
    }

    public async Task HandleAsync(OrderLineCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        // Lines of a confirmed order cancelled before shipping: their sold units go back on the shelf. Never more than
        // this order sold of a variant, counting what earlier cancellations already returned (the ledger says), so a
        // repeated or overlapping cancellation returns nothing twice.
        var now = time.GetUtcNow();
        var reason = $"order {@event.OrderId} cancelled";
        var returned = new List<(Guid ProductId, Guid VariantId, int Quantity)>();
        foreach (var line in @event.Lines.Where(l => l.Quantity > 0))
        {
            var sold = await db.Reservations
                .Where(r => r.OrderId == @event.OrderId && r.State == ReservationState.Committed && r.ProductId == line.ProductId
                    && (line.VariantId == null || r.VariantId == line.VariantId))
                .GroupBy(r => r.VariantId)
                .Select(g => new { VariantId = g.Key, Quantity = g.Sum(r => r.Quantity) })
                .ToListAsync(cancellationToken);
            if (sold.Count != 1)
            {
                continue;
            }
            var variantId = sold[0].VariantId;
            var back = await db.StockMovements.Where(m => m.VariantId == variantId && m.Kind == StockMovementKind.Return && m.Reason == reason)
                .SumAsync(m => m.Delta, cancellationToken) + returned.Where(r => r.VariantId == variantId).Sum(r => r.Quantity);
            var quantity = Math.Min(line.Quantity, sold[0].Quantity - back);
            if (quantity <= 0)
            {
                continue;
            }
            await db.Variants.Where(v => v.Id == variantId)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Stock, v => v.Stock + quantity), cancellationToken);
            var stockAfter = await db.Variants.Where(v => v.Id == variantId).Select(v => v.Stock).SingleAsync(cancellationToken);
            db.StockMovements.Add(new StockMovement
            {
                VariantId = variantId,
                Kind = StockMovementKind.Return,
                Delta = quantity,
                StockAfter = stockAfter,
                Reason = reason,
                At = now,
            });
            returned.Add((line.ProductId, variantId, quantity));
        }
        if (returned.Count > 0)
        {
            await AvailabilityAfterAsync(returned, sign: 1, now, cancellationToken);
        }
    }

    // Reserving can make a product unavailable (its last units are held), releasing available again.
    private async Task AvailabilityAfterAsync(List<(Guid ProductId, Guid VariantId, int Quantity)> lines, int sign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var product in lines.GroupBy(l => l.ProductId))
        {
            var change = product.GroupBy(l => l.VariantId).ToDictionary(g => g.Key, g => sign * g.Sum(l => l.Quantity));
            await ProductSignals.AvailabilityChangedAsync(db, outbox, product.Key, change, now, cancellationToken);
        }
    }

    // Reads the variant as our own UPDATE left it (its row lock is held until commit) and reports a low-stock crossing.
    private async Task LowStockAfterAsync(Guid productId, Guid variantId, int availableChange, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var after = await (from v in db.Variants
                           join p in db.Products on v.ProductId equals p.Id
                           where v.Id == variantId
                           select new { Available = v.Stock - v.Reserved, v.LowStockThreshold, p.ShopId, p.Name })
            .SingleAsync(cancellationToken);
        ProductSignals.LowStockIfCrossed(outbox, productId, after.Name, variantId, after.ShopId,
            (after.Available - availableChange, after.LowStockThreshold), (after.Available, after.LowStockThreshold), now);
    }
}
