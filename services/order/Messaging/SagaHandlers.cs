using EStore.Contracts.Events;
using EStore.Order.Services;
using EStore.Platform.Messaging;

namespace EStore.Order.Messaging;

/// <summary>Saga step 2's good outcome: noted on the timeline; the payment follows from payment-service.</summary>
public sealed class StockReservedHandler(Saga saga) : IEventHandler<StockReserved>
{
    public async Task HandleAsync(StockReserved @event, EventContext context, CancellationToken cancellationToken)
    {
        // It comes on product.events and the payment outcome on payment.events, so it may arrive after the
        // confirmation it caused: noted then too, at the time it happened.
        if (await saga.LoadAsync(@event.OrderId, cancellationToken) is { Status: Data.OrderStatus.Pending or Data.OrderStatus.Confirmed } checkout
            && !checkout.Orders.Any(o => o.Timeline.Any(t => t.What == "stock_reserved")))
        {
            saga.Note(checkout, "stock_reserved", $"{@event.Lines.Sum(l => l.Quantity)} units reserved", @event.OccurredAt);
        }
    }
}

/// <summary>Saga step 4: stock could not be reserved (per line) and the checkout is CANCELLED; nothing was charged.</summary>
public sealed class StockReservationFailedHandler(Saga saga) : IEventHandler<StockReservationFailed>
{
    public async Task HandleAsync(StockReservationFailed @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await saga.LoadAsync(@event.OrderId, cancellationToken) is { } checkout)
        {
            var lines = string.Join("; ", @event.Shortages.Select(s =>
                $"{s.VariantId ?? s.ProductId}: {s.Reason ?? "insufficient_stock"} ({s.Available} of {s.Requested} available)"));
            var reason = lines.Length == 0 ? $"stock could not be reserved: {@event.Reason}" : $"stock could not be reserved: {@event.Reason} [{lines}]";
            saga.Cancel(checkout, reason, CancelledBy.System, Saga.System);
        }
    }
}

/// <summary>Saga step 4: the payment failed (declined card, provider gave up) and the checkout is CANCELLED with the reason.</summary>
public sealed class PaymentFailedHandler(Saga saga) : IEventHandler<PaymentFailed>
{
    public async Task HandleAsync(PaymentFailed @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await saga.LoadAsync(@event.OrderId, cancellationToken) is { } checkout)
        {
            saga.Cancel(checkout, $"payment failed: {@event.Reason}", CancelledBy.System, Saga.System, paymentFailed: true);
        }
    }
}

/// <summary>Saga step 4: the payment was captured and the checkout is CONFIRMED (<c>OrderConfirmed</c> empties the cart).</summary>
public sealed class PaymentSucceededHandler(Saga saga) : IEventHandler<PaymentSucceeded>
{
    public async Task HandleAsync(PaymentSucceeded @event, EventContext context, CancellationToken cancellationToken)
    {
        // A redelivered event has a new id only if payment-service sent it twice; the second finds CONFIRMED and only notes it.
        if (await saga.LoadAsync(@event.OrderId, cancellationToken) is { } checkout && checkout.PaymentId != @event.PaymentId)
        {
            saga.Confirm(checkout, @event.PaymentId, @event.Amount);
        }
    }
}

/// <summary>Money given back (a cancellation after capture): the payment status follows.</summary>
public sealed class PaymentRefundedHandler(Saga saga) : IEventHandler<PaymentRefunded>
{
    public async Task HandleAsync(PaymentRefunded @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await saga.LoadAsync(@event.OrderId, cancellationToken) is { } checkout)
        {
            saga.Refunded(checkout, @event.Amount, @event.Reason);
        }
    }
}
