using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Order.Services;

/// <summary>
/// The saga's transitions of a checkout and all its orders, with their timeline entries and events. The caller saves:
/// a consumer commits them with the event's inbox row, the timeout sweep with its own save (where the checkout's
/// <see cref="Checkout.Version"/> makes a concurrent outcome win cleanly).
/// </summary>
public sealed class Saga(OrderDbContext db, IEventOutbox outbox, TimeProvider time)
{
    public const string System = "system";

    public Task<Checkout?> LoadAsync(Guid checkoutId, CancellationToken ct) =>
        db.Checkouts.Include(c => c.Orders).ThenInclude(o => o.Timeline).SingleOrDefaultAsync(c => c.Id == checkoutId, ct);

    /// <summary>Payment taken: PENDING becomes CONFIRMED. A payment after a cancellation is recorded (payment-service refunds it).</summary>
    public void Confirm(Checkout checkout, Guid paymentId, Money amount)
    {
        var now = time.GetUtcNow();
        checkout.PaymentId = paymentId;
        if (checkout.Status != OrderStatus.Pending)
        {
            Record(checkout, now, "payment_captured_late", $"{amount.Amount} {amount.Currency} captured after the checkout was {StatusNames.Wire(checkout.Status)}; it is refunded");
            checkout.PaymentStatus = PaymentStatus.Paid;
            SetOrders(checkout, o => o.PaymentStatus = PaymentStatus.Paid);
            Touch(checkout, now);
            return;
        }
        checkout.Status = OrderStatus.Confirmed;
        checkout.PaymentStatus = PaymentStatus.Paid;
        SetOrders(checkout, o =>
        {
            o.Status = OrderStatus.Confirmed;
            o.PaymentStatus = PaymentStatus.Paid;
        });
        Record(checkout, now, "confirmed", $"payment of {amount.Amount} {amount.Currency} captured");
        Touch(checkout, now);
        outbox.Add(new OrderConfirmed(checkout.Id, checkout.UserId, checkout.CartId, paymentId, new Money(checkout.Total, checkout.Currency),
            checkout.CustomerEmail)
        { OccurredAt = now });
    }

    /// <summary>PENDING becomes CANCELLED with the reason; false when the checkout already had its outcome.</summary>
    public bool Cancel(Checkout checkout, string reason, CancelledBy by, string actor, bool paymentFailed = false)
    {
        if (checkout.Status != OrderStatus.Pending)
        {
            return false;
        }
        var now = time.GetUtcNow();
        var byName = StatusNames.Wire(by);
        var why = Truncate(reason) ?? "";
        checkout.Status = OrderStatus.Cancelled;
        checkout.CancelReason = why;
        checkout.CancelledBy = byName;
        if (paymentFailed)
        {
            checkout.PaymentStatus = PaymentStatus.Failed;
        }
        SetOrders(checkout, o =>
        {
            o.Status = OrderStatus.Cancelled;
            o.FulfilmentStatus = FulfilmentStatus.Cancelled;
            o.PaymentStatus = checkout.PaymentStatus;
            o.CancelReason = checkout.CancelReason;
            o.CancelledBy = byName;
        });
        Record(checkout, now, "cancelled", why, actor);
        Touch(checkout, now);
        outbox.Add(new OrderCancelled(checkout.Id, checkout.UserId, by, why, checkout.CustomerEmail) { OccurredAt = now });
        return true;
    }

    /// <summary>A timeline entry on every order of the checkout, without a status change.</summary>
    /// <param name="checkout">The checkout whose orders get the entry.</param>
    /// <param name="what">The entry.</param>
    /// <param name="detail">Its detail.</param>
    /// <param name="happenedAt">When it happened, if earlier than now (an event that arrived late).</param>
    public void Note(Checkout checkout, string what, string? detail, DateTimeOffset? happenedAt = null)
    {
        var now = time.GetUtcNow();
        Record(checkout, happenedAt is { } at && at < now ? at : now, what, detail);
        Touch(checkout, now);
    }

    /// <summary>Money given back: REFUNDED once all of it, PARTIALLY_REFUNDED before.</summary>
    public void Refunded(Checkout checkout, Money amount, string reason)
    {
        var now = time.GetUtcNow();
        checkout.RefundedAmount += amount.Amount;
        checkout.PaymentStatus = checkout.RefundedAmount >= checkout.Total ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        SetOrders(checkout, o => o.PaymentStatus = checkout.PaymentStatus);
        Record(checkout, now, "refunded", $"{amount.Amount} {amount.Currency}: {reason}");
        Touch(checkout, now);
    }

    private void Record(Checkout checkout, DateTimeOffset now, string what, string? detail, string actor = System)
    {
        foreach (var order in checkout.Orders)
        {
            var entry = new TimelineEntry { Id = Guid.CreateVersion7(now), OrderId = order.Id, At = now, Actor = actor, What = what, Detail = Truncate(detail) };
            order.Timeline.Add(entry);
            db.Timeline.Add(entry);
        }
    }

    private static void SetOrders(Checkout checkout, Action<ShopOrder> change)
    {
        foreach (var order in checkout.Orders)
        {
            change(order);
        }
    }

    private static void Touch(Checkout checkout, DateTimeOffset now)
    {
        checkout.UpdatedAt = now;
        checkout.Version++;
        foreach (var order in checkout.Orders)
        {
            order.UpdatedAt = now;
            order.Version++;
        }
    }

    private static string? Truncate(string? text) => text is { Length: > OrderLimits.Reason } ? text[..OrderLimits.Reason] : text;
}
