using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>
/// The catalog's own events on <c>product.events</c>, added to the outbox so they commit with the change that raised
/// them. Products without a shop (the demo catalog) raise none: nobody owns them to be told.
/// </summary>
public static class ProductSignals
{
    /// <summary>
    /// Adds <see cref="LowStockDetected"/> when a variant's available units (stock - reserved) go from above its
    /// threshold to at or below it: once per crossing, not again while it stays low.
    /// </summary>
    public static void LowStockIfCrossed(
        IEventOutbox outbox, Guid productId, string productName, Guid variantId, Guid? shopId,
        (int Available, int Threshold) before, (int Available, int Threshold) after, DateTimeOffset now)
    {
        if (shopId is { } shop && before.Available > before.Threshold && after.Available <= after.Threshold)
        {
            outbox.Add(new LowStockDetected(productId, variantId, shop, after.Available, after.Threshold, productName) { OccurredAt = now });
        }
    }

    /// <summary>Adds <see cref="ProductChanged"/> with the product's current name, price and availability.</summary>
    public static void Changed(IEventOutbox outbox, Data.Product product, ProductChangeKind kind, DateTimeOffset now)
    {
        if (product.ShopId is { } shop)
        {
            outbox.Add(new ProductChanged(product.Id, shop, kind, product.Name, new Money(product.Price, product.Currency), IsAvailable(product))
            {
                OccurredAt = now,
            });
        }
    }

    /// <summary>
    /// Adds <see cref="ProductChanged"/> (<see cref="ProductChangeKind.Updated"/>) when a stock change that already
    /// happened in this transaction flipped whether the product can be bought. <paramref name="availableChange"/> says
    /// how the change moved each variant's available units (variants not listed did not move).
    /// </summary>
    public static async Task AvailabilityChangedAsync(
        ProductDbContext db, IEventOutbox outbox, Guid productId, IReadOnlyDictionary<Guid, int> availableChange, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Untracked: the stock was changed by ExecuteUpdate, which tracked entities do not see.
        var product = await db.Products.AsNoTracking().Include(p => p.Variants).SingleOrDefaultAsync(p => p.Id == productId, cancellationToken);
        if (product is null || product.DeletedAt is not null)
        {
            return;
        }
        var before = product.Variants.Any(v => v.Stock - v.Reserved - availableChange.GetValueOrDefault(v.Id) > 0);
        if (before != IsAvailable(product))
        {
            Changed(outbox, product, ProductChangeKind.Updated, now);
        }
    }

    /// <summary>Whether the product can be bought: it is live and at least one variant has an available unit.</summary>
    public static bool IsAvailable(Data.Product product) => product.DeletedAt is null && product.Variants.Any(v => v.Stock - v.Reserved > 0);
}
