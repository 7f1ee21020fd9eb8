using EStore.Contracts.Events;
using EStore.Payment.Data;
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
            case PaymentStatus.Succeeded when payment.Refunds.Count == 0 && payment.AmountCaptured > payment.AmountRefunded:
                Services.PaymentOutcomes.AddRefund(payment, payment.AmountCaptured - payment.AmountRefunded, reason, now);
                break;
            default:
                return;
        }
        payment.UpdatedAt = now;
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
