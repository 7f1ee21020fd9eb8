using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;

namespace EStore.Product.Messaging;

/// <summary>
/// Keeps the local copy of shops current from <c>shop.events</c>: owners for the ownership checks, names for
/// the catalog and its shop-name filter, the status to hide the products of shops that are not active, all
/// without calling shop-service per request.
/// </summary>
public sealed class ShopEventHandlers(ProductDbContext db) :
    IEventHandler<ShopCreated>, IEventHandler<ShopUpdated>, IEventHandler<ShopStatusChanged>
{
    public async Task HandleAsync(ShopCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        // An upsert: the demo catalog writes its shops' rows before their ShopCreated arrives.
        var shop = await db.Shops.FindAsync([@event.ShopId], cancellationToken);
        if (shop is null)
        {
            shop = new ShopRecord { Id = @event.ShopId, Name = @event.Name, NormalizedName = "" };
            db.Shops.Add(shop);
        }
        shop.OwnerId = @event.OwnerId;
        Rename(shop, @event.Name);
        shop.Status = @event.Status;
    }

    public async Task HandleAsync(ShopUpdated @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await db.Shops.FindAsync([@event.ShopId], cancellationToken) is { } shop)
        {
            Rename(shop, @event.Name);
        }
    }

    public async Task HandleAsync(ShopStatusChanged @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await db.Shops.FindAsync([@event.ShopId], cancellationToken) is { } shop)
        {
            shop.Status = @event.Status;
        }
    }

    private static void Rename(ShopRecord shop, string name)
    {
        shop.Name = name;
        shop.NormalizedName = ShopRecord.KeyOf(name);
    }
}
