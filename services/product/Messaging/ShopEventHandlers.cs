using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;

namespace EStore.Product.Messaging;

/// <summary>
/// Keeps the local copy of shops current from <c>shop.events</c>: owners for the ownership checks, names for
/// the catalog, suspension to hide products, all without calling shop-service per request.
/// </summary>
public sealed class ShopEventHandlers(ProductDbContext db) :
    IEventHandler<ShopCreated>, IEventHandler<ShopUpdated>, IEventHandler<ShopStatusChanged>
{
    public async Task HandleAsync(ShopCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await db.Shops.FindAsync([@event.ShopId], cancellationToken) is null)
        {
            db.Shops.Add(new ShopRecord { Id = @event.ShopId, OwnerId = @event.OwnerId, Name = @event.Name });
        }
    }

    public async Task HandleAsync(ShopUpdated @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await db.Shops.FindAsync([@event.ShopId], cancellationToken) is { } shop)
        {
            shop.Name = @event.Name;
        }
    }

    public async Task HandleAsync(ShopStatusChanged @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await db.Shops.FindAsync([@event.ShopId], cancellationToken) is { } shop)
        {
            shop.Suspended = @event.Status != ShopStatus.Active;
        }
    }
}
