using EStore.Cart.Data;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Cart.Messaging;

/// <summary>
/// Empties the cart an order was placed from once the order is confirmed (never on creation: a failed payment leaves
/// the cart as it was). The inbox makes a second delivery a no-op; a cart of someone else than the order's customer,
/// or one deleted since, is left alone.
/// </summary>
public sealed class OrderConfirmedHandler(CartDbContext db, TimeProvider time) : IEventHandler<OrderConfirmed>
{
    public async Task HandleAsync(OrderConfirmed @event, EventContext context, CancellationToken cancellationToken)
    {
        if (@event.CartId is not { } cartId)
        {
            return;
        }
        var now = time.GetUtcNow();
        var touched = await db.Carts.Where(c => c.Id == cartId && c.OwnerId == @event.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (touched > 0)
        {
            await db.Lines.Where(l => l.CartId == cartId).ExecuteDeleteAsync(cancellationToken);
        }
    }
}
