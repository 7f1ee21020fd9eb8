using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Shop.Data;
using Microsoft.EntityFrameworkCore;

namespace EStore.Shop.Messaging;

/// <summary>
/// Keeps <see cref="ShopOrder"/> rows (a shipped order stays open until the owner marks it delivered, so OrderShipped is not needed) from <c>order.events</c> so the dashboard's <c>openOrders</c> is a local count. The
/// inbox drops a redelivered event; a second OrderCreated under another id finds its rows and changes nothing. Every
/// event of a checkout has the checkout's key, so they arrive in the order order-service wrote them.
/// </summary>
public sealed class OrderEventHandlers(ShopDbContext db, TimeProvider time) :
    IEventHandler<OrderCreated>, IEventHandler<OrderConfirmed>, IEventHandler<OrderDelivered>,
    IEventHandler<OrderCancelled>, IEventHandler<OrderLineCancelled>
{
    public async Task HandleAsync(OrderCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await db.ShopOrders.AnyAsync(o => o.CheckoutId == @event.OrderId, cancellationToken))
        {
            return;
        }
        var now = time.GetUtcNow();
        db.ShopOrders.AddRange(@event.Lines.GroupBy(l => l.ShopId).Select(g => new ShopOrder
        {
            CheckoutId = @event.OrderId,
            ShopId = g.Key,
            OpenLines = g.Select(l => l.LineId).Distinct().Count(),
            UpdatedAt = now,
        }));
    }

    public Task HandleAsync(OrderConfirmed @event, EventContext context, CancellationToken cancellationToken) =>
        ChangeAsync(@event.OrderId, null, o => o.Confirmed = true, cancellationToken);

    public Task HandleAsync(OrderDelivered @event, EventContext context, CancellationToken cancellationToken) =>
        ChangeAsync(@event.OrderId, @event.ShopId, o => o.Closed = true, cancellationToken);

    public Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken) =>
        ChangeAsync(@event.OrderId, null, o => o.Closed = true, cancellationToken);

    // A shop's order whose every line is cancelled is cancelled (order-service sends no OrderCancelled while other shops' orders of the checkout go on).
    public Task HandleAsync(OrderLineCancelled @event, EventContext context, CancellationToken cancellationToken) =>
        ChangeAsync(@event.OrderId, @event.ShopId, o =>
        {
            o.OpenLines = Math.Max(0, o.OpenLines - @event.Lines.Select(l => l.LineId).Distinct().Count());
            o.Closed |= o.OpenLines == 0;
        }, cancellationToken);

    private async Task ChangeAsync(Guid checkoutId, Guid? shopId, Action<ShopOrder> change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var orders = await db.ShopOrders.Where(o => o.CheckoutId == checkoutId && (shopId == null || o.ShopId == shopId)).ToListAsync(cancellationToken);
        foreach (var order in orders)
        {
            change(order);
            order.UpdatedAt = now;
        }
    }
}
