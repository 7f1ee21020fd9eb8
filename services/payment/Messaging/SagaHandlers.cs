using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Services;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Messaging;

/// <summary>
/// Saga step 3, first half: <c>OrderCreated</c> records the amount due (currency, total, per-shop split, customer,
/// payment method). It and <c>StockReserved</c> come on different topics, so either may be first; the charge worker
/// charges once both are there. A concurrent insert by the other handler fails the unique order index, and the
/// consumer's retry then finds the row.
/// </summary>
public sealed class OrderCreatedHandler(PaymentDbContext db, TimeProvider time) : IEventHandler<OrderCreated>
{
    public async Task HandleAsync(OrderCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var payment = await PaymentRows.ForOrderAsync(db, @event.OrderId, now, cancellationToken);
        if (payment.OrderReceivedAt is not null)
        {
            return;
        }
        payment.UserId = @event.UserId;
        payment.PaymentMethodId = @event.PaymentMethodId;
        payment.Amount = @event.Total.Amount;
        payment.Currency = @event.Total.Currency.Trim().ToUpperInvariant();
        payment.CustomerEmail = @event.CustomerEmail;
        payment.Shares = [.. @event.Lines.GroupBy(l => l.ShopId)
            .Select(g => new PaymentShare { PaymentId = payment.Id, ShopId = g.Key, Amount = g.Sum(l => l.UnitPrice.Amount * l.Quantity) })];
        // Kept for refunds by line (the endpoint and OrderLineCancelled); a line id named twice counts once.
        payment.Lines = [.. @event.Lines.GroupBy(l => l.LineId)
            .Select(g => new PaymentLine { PaymentId = payment.Id, LineId = g.Key, ShopId = g.First().ShopId, Amount = g.Sum(l => l.UnitPrice.Amount * l.Quantity) })];
        payment.OrderReceivedAt = now;
        payment.UpdatedAt = now;
    }
}

/// <summary>Saga step 3, second half: <c>StockReserved</c> makes the order's payment chargeable (once its amount is known).</summary>
public sealed class StockReservedHandler(PaymentDbContext db, TimeProvider time) : IEventHandler<StockReserved>
{
    public async Task HandleAsync(StockReserved @event, EventContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var payment = await PaymentRows.ForOrderAsync(db, @event.OrderId, now, cancellationToken);
        // A second StockReserved (a new event id for the same order) changes nothing: the payment is charged once.
        if (payment.StockReservedAt is null)
        {
            payment.StockReservedAt = now;
            payment.UpdatedAt = now;
        }
    }
}

/// <summary>
/// Saga step 8: <c>OrderCancelled</c>. A payment not charged yet never will be; one in flight is refunded once it
/// succeeds; a captured one is refunded in full (the charge worker sends it: <c>PaymentRefunded</c>).
/// </summary>
public sealed class OrderCancelledHandler(PaymentDbContext db, TimeProvider time) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var payment = await PaymentRows.ForOrderAsync(db, @event.OrderId, now, cancellationToken);
        await db.Entry(payment).Collection(p => p.Refunds).LoadAsync(cancellationToken);
        var reason = string.IsNullOrWhiteSpace(@event.Reason) ? "order cancelled" : @event.Reason;
        switch (payment.Status)
        {
            case PaymentStatus.Pending:
                payment.Status = PaymentStatus.Cancelled;
                break;
            case PaymentStatus.Charging:
                // Moving the lease makes the in-flight outcome unstorable: the charge is sent again at once with the
                // same key, the provider answers the first outcome, and a success is then refunded.
                payment.RefundOnCapture = reason;
                payment.ChargeDueAt = now;
                break;
            case PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded when PaymentOutcomes.LeftToRefund(payment) > 0:
                // Whatever is left after earlier refunds (pending ones included): a second OrderCancelled finds nothing left.
                PaymentOutcomes.AddRefund(payment, PaymentOutcomes.LeftToRefund(payment), reason, now);
                break;
            default:
                return;
        }
        payment.UpdatedAt = now;
    }
}

/// <summary>
/// Saga step 8: <c>OrderLineCancelled</c> refunds the event's amount, once per event (the inbox drops a redelivery),
/// never more than is left of the payment; the lines it names are marked refunded. A payment not captured is left
/// alone (a line is cancelled only after confirmation).
/// </summary>
public sealed class OrderLineCancelledHandler(PaymentDbContext db, TimeProvider time, ILogger<OrderLineCancelledHandler> logger)
    : IEventHandler<OrderLineCancelled>
{
    public async Task HandleAsync(OrderLineCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.Include(p => p.Refunds).Include(p => p.Lines).Include(p => p.Shares)
            .SingleOrDefaultAsync(p => p.OrderId == @event.OrderId, cancellationToken);
        if (payment is not { Status: PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded })
        {
            logger.LogWarning("OrderLineCancelled for order {OrderId}: its payment is {Status}, not captured; nothing to refund.",
                @event.OrderId, payment?.Status ?? "unknown");
            return;
        }
        if (!string.Equals(@event.Amount.Currency.Trim(), payment.Currency, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogError("OrderLineCancelled for order {OrderId} is in {Currency}, its payment in {PaymentCurrency}: not refunded; it needs an operator.",
                @event.OrderId, @event.Amount.Currency, payment.Currency);
            return;
        }
        var amount = Math.Min(@event.Amount.Amount, PaymentOutcomes.LeftToRefund(payment));
        if (amount <= 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        var reason = string.IsNullOrWhiteSpace(@event.Reason) ? "order lines cancelled" : @event.Reason;
        var refund = PaymentOutcomes.AddRefund(payment, amount, reason, now, @event.ShopId);
        var cancelled = @event.Lines.Select(l => l.LineId).ToHashSet();
        foreach (var line in payment.Lines.Where(l => cancelled.Contains(l.LineId) && l.RefundId is null))
        {
            line.RefundId = refund.Id;
        }
    }
}

/// <summary>
/// <c>shop.events</c>: the local copy of each shop's owner (from <c>ShopCreated</c>, and <c>ShopUpdated</c> when it names
/// one), so a refund request by a shop owner is checked without calling shop-service.
/// </summary>
public sealed class ShopOwnerHandlers(PaymentDbContext db, TimeProvider time) : IEventHandler<ShopCreated>, IEventHandler<ShopUpdated>
{
    public Task HandleAsync(ShopCreated @event, EventContext context, CancellationToken cancellationToken) =>
        RememberAsync(@event.ShopId, @event.OwnerId, cancellationToken);

    public Task HandleAsync(ShopUpdated @event, EventContext context, CancellationToken cancellationToken) =>
        @event.OwnerId is { } owner ? RememberAsync(@event.ShopId, owner, cancellationToken) : Task.CompletedTask;

    private async Task RememberAsync(Guid shopId, Guid ownerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var shop = await db.ShopOwners.SingleOrDefaultAsync(o => o.ShopId == shopId, cancellationToken);
        if (shop is null)
        {
            db.ShopOwners.Add(new ShopOwner { ShopId = shopId, OwnerId = ownerId, UpdatedAt = now });
        }
        else
        {
            shop.OwnerId = ownerId;
            shop.UpdatedAt = now;
        }
    }
}

internal static class PaymentRows
{
    /// <summary>The order's payment, tracked; a new pending one when neither event came yet.</summary>
    public static async Task<Data.Payment> ForOrderAsync(PaymentDbContext db, Guid orderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.OrderId == orderId, cancellationToken);
        if (payment is null)
        {
            payment = new Data.Payment
            {
                Id = Guid.CreateVersion7(now),
                OrderId = orderId,
                Status = PaymentStatus.Pending,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Payments.Add(payment);
        }
        return payment;
    }
}
