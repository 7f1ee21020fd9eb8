using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Order.Services;
using EStore.Order.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Order.Tests;

/// <summary>
/// Saga steps 2 to 4 on order-service's side: the outcome events, as product- and payment-service publish them on the
/// mock broker, move a stored checkout and all its per-shop orders, and order-service announces the result.
/// </summary>
[Collection(OrderCollection.Name)]
public sealed class SagaTests(OrderStack stack)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Payment_success_confirms_every_order_of_the_checkout_and_announces_it_with_the_cart_and_email()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid(), shops: 2);
        var paymentId = Guid.NewGuid();

        await stack.PublishAsync(
            new StockReserved(checkout.Id, [new StockLine(Guid.NewGuid(), Guid.NewGuid(), 4)], DateTimeOffset.UtcNow.AddMinutes(15)) { OccurredAt = DateTimeOffset.UtcNow },
            new PaymentSucceeded(paymentId, checkout.Id, checkout.UserId, OrderStack.Eur(50m), "ch_1", checkout.CustomerEmail) { OccurredAt = DateTimeOffset.UtcNow });

        var confirmed = stack.ConsumeEvent<OrderConfirmed>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal((checkout.UserId, checkout.CartId, paymentId, 50m, "EUR", checkout.CustomerEmail),
            (confirmed.UserId, confirmed.CartId, confirmed.PaymentId, confirmed.Total.Amount, confirmed.Total.Currency, confirmed.CustomerEmail));
        var stored = await stack.CheckoutWhenAsync(checkout.Id, c => c.Status == OrderStatus.Confirmed, "the checkout CONFIRMED");
        Assert.Equal(PaymentStatus.Paid, stored.PaymentStatus);
        Assert.Equal(paymentId, stored.PaymentId);
        Assert.Equal(2, stored.Orders.Count);
        Assert.All(stored.Orders, o =>
        {
            Assert.Equal((OrderStatus.Confirmed, PaymentStatus.Paid, FulfilmentStatus.Unfulfilled), (o.Status, o.PaymentStatus, o.FulfilmentStatus));
            Assert.Equal(["stock_reserved", "confirmed"], o.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => t.What));
            Assert.All(o.Timeline, t => Assert.Equal(Saga.System, t.Actor));
        });
    }

    [Fact]
    public async Task Stock_reserved_arriving_after_the_confirmation_it_caused_is_still_on_the_timeline_before_it()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid());
        var reservedAt = DateTimeOffset.UtcNow;

        // Different topics: the payment outcome may be consumed first.
        await stack.PublishAsync(new PaymentSucceeded(Guid.NewGuid(), checkout.Id, checkout.UserId, OrderStack.Eur(50m), "ch_2", checkout.CustomerEmail) { OccurredAt = DateTimeOffset.UtcNow });
        await stack.CheckoutWhenAsync(checkout.Id, c => c.Status == OrderStatus.Confirmed, "the checkout CONFIRMED");
        await stack.PublishAsync(new StockReserved(checkout.Id, [new StockLine(Guid.NewGuid(), Guid.NewGuid(), 2)], reservedAt.AddMinutes(15)) { OccurredAt = reservedAt });

        var stored = await stack.CheckoutWhenAsync(checkout.Id, c => c.Orders.All(o => o.Timeline.Count == 2), "the late stock_reserved on the timeline");
        var order = Assert.Single(stored.Orders);
        Assert.Equal(["stock_reserved", "confirmed"], order.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => t.What));
        Assert.Equal(OrderStatus.Confirmed, order.Status);
    }

    [Fact]
    public async Task A_stock_shortage_cancels_the_checkout_with_the_per_line_reason_and_announces_OrderCancelled()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid());
        var variant = Guid.NewGuid();

        await stack.PublishAsync(new StockReservationFailed(checkout.Id, "insufficient stock",
            [new StockShortage(Guid.NewGuid(), variant, 2, 1, StockShortageReasons.InsufficientStock)])
        { OccurredAt = DateTimeOffset.UtcNow });

        var cancelled = stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal((CancelledBy.System, checkout.CustomerEmail), (cancelled.CancelledBy, cancelled.CustomerEmail));
        Assert.Contains(variant.ToString(), cancelled.Reason, StringComparison.Ordinal);
        Assert.Contains("1 of 2 available", cancelled.Reason, StringComparison.Ordinal);
        var stored = await stack.CheckoutWhenAsync(checkout.Id, c => c.Status == OrderStatus.Cancelled, "the checkout CANCELLED");
        var order = Assert.Single(stored.Orders);
        Assert.Equal((OrderStatus.Cancelled, FulfilmentStatus.Cancelled, PaymentStatus.Pending, "SYSTEM"), (order.Status, order.FulfilmentStatus, order.PaymentStatus, order.CancelledBy));
        Assert.Equal(cancelled.Reason, order.CancelReason);
        Assert.Equal("cancelled", Assert.Single(order.Timeline).What);
    }

    [Fact]
    public async Task A_declined_payment_cancels_with_the_reason_and_a_late_success_does_not_confirm_it()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid());
        var failed = new PaymentFailed(Guid.NewGuid(), checkout.Id, checkout.UserId, OrderStack.Eur(25m), "card_declined") { OccurredAt = DateTimeOffset.UtcNow };

        // Delivered twice (the same event id): the second delivery changes nothing.
        await stack.PublishAsync(failed, failed);
        var cancelled = stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal("payment failed: card_declined", cancelled.Reason);
        await stack.CheckoutWhenAsync(checkout.Id, c => c.Status == OrderStatus.Cancelled, "the checkout CANCELLED");

        await stack.PublishAsync(new PaymentSucceeded(Guid.NewGuid(), checkout.Id, checkout.UserId, OrderStack.Eur(25m), "ch_late") { OccurredAt = DateTimeOffset.UtcNow });
        var stored = await stack.CheckoutWhenAsync(checkout.Id, c => c.Orders[0].Timeline.Any(t => t.What == "payment_captured_late"), "the late payment noted");
        Assert.Equal(OrderStatus.Cancelled, stored.Status);
        Assert.Equal(["cancelled", "payment_captured_late"], stored.Orders[0].Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => t.What));
        Assert.Equal("payment failed: card_declined", stored.CancelReason);
    }

    [Fact]
    public async Task A_checkout_without_an_outcome_in_time_is_cancelled_by_the_sweep_and_one_in_time_is_left_alone()
    {
        var stale = await stack.SeedCheckoutAsync(Guid.NewGuid(), age: TimeSpan.FromMinutes(16));
        var fresh = await stack.SeedCheckoutAsync(Guid.NewGuid(), age: TimeSpan.FromMinutes(14));

        var cancelled = await stack.App.Services.GetRequiredService<CheckoutTimeoutSweep>().SweepAsync(CancellationToken.None);

        Assert.True(cancelled >= 1);
        var @event = stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == stale.Id, Bounded);
        Assert.Equal("no outcome within 15 minutes", @event.Reason);
        Assert.Equal(OrderStatus.Cancelled, (await stack.CheckoutAsync(stale.Id)).Status);
        Assert.Equal(OrderStatus.Pending, (await stack.CheckoutAsync(fresh.Id)).Status);
    }

    [Fact]
    public async Task A_refund_after_cancellation_marks_the_payment_refunded()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid());
        var paymentId = Guid.NewGuid();
        await stack.PublishAsync(
            new PaymentSucceeded(paymentId, checkout.Id, checkout.UserId, OrderStack.Eur(25m), "ch_2") { OccurredAt = DateTimeOffset.UtcNow },
            new PaymentRefunded(paymentId, Guid.NewGuid(), checkout.Id, checkout.UserId, OrderStack.Eur(10m), "line cancelled") { OccurredAt = DateTimeOffset.UtcNow });
        await stack.CheckoutWhenAsync(checkout.Id, c => c.PaymentStatus == PaymentStatus.PartiallyRefunded, "PARTIALLY_REFUNDED");

        await stack.PublishAsync(new PaymentRefunded(paymentId, Guid.NewGuid(), checkout.Id, checkout.UserId, OrderStack.Eur(15m), "rest") { OccurredAt = DateTimeOffset.UtcNow });
        var stored = await stack.CheckoutWhenAsync(checkout.Id, c => c.PaymentStatus == PaymentStatus.Refunded, "REFUNDED");
        Assert.Equal(PaymentStatus.Refunded, stored.Orders[0].PaymentStatus);
    }
}
