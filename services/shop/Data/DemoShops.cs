using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Platform.Text;
using EStore.Shop.Services;
using Microsoft.EntityFrameworkCore;

namespace EStore.Shop.Data;

/// <summary>
/// The demo shops a fresh database starts with when <c>Demo:SeedData</c> is on (the local launcher): three
/// <c>ACTIVE</c> shops with fixed ids, each owned by its own user: Summit Outfitters by the demo shop owner
/// (<see cref="DemoAccounts.ShopOwner"/>), the others by made-up users. product-service's demo catalog
/// (services/product/Data/DemoCatalog.cs) puts its products into these same shops.
/// </summary>
public static class DemoShops
{
    /// <summary>Outdoor gear, footwear and clothing.</summary>
    public static readonly Guid SummitOutfitters = new("00000000-0000-4000-b000-000000000001");

    /// <summary>Coffee and kitchenware.</summary>
    public static readonly Guid DailyGrindKitchen = new("00000000-0000-4000-b000-000000000002");

    /// <summary>Headphones and chargers.</summary>
    public static readonly Guid VoltElectronics = new("00000000-0000-4000-b000-000000000003");

    // Fixed times as well, so every instance and every run seeds the same shops.
    private static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly (Guid Id, string Name, string Category, string Description)[] Items =
    [
        (SummitOutfitters, "Summit Outfitters", "Outdoor", "Shoes, clothing and gear for trails and campsites."),
        (DailyGrindKitchen, "Daily Grind Kitchen", "Kitchen", "Fresh coffee and the tools to make it and serve it."),
        (VoltElectronics, "Volt Electronics", "Electronics", "Headphones, chargers and cables that last."),
    ];

    /// <summary>Seeds the demo shops into a database without shops, each with its <c>ShopCreated</c> in the outbox.</summary>
    public static async Task SeedAsync(ShopDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Shops.AnyAsync(cancellationToken))
        {
            return;
        }
        // This context's own outbox, so shops and events commit in one SaveChanges.
        var outbox = db.Outbox();
        foreach (var (item, index) in Items.Select((item, index) => (item, index)))
        {
            var shop = new Shop
            {
                Id = item.Id,
                // Summit Outfitters belongs to identity-service's demo shop owner (seeded under the same setting);
                // the others to made-up users, so only admins manage them.
                OwnerId = item.Id == SummitOutfitters ? DemoAccounts.ShopOwner.Id : new Guid($"00000000-0000-4000-c000-{index + 1:D12}"),
                Name = item.Name,
                NormalizedName = UnicodeText.ComparisonKey(item.Name),
                NameSkeleton = UnicodeText.Skeleton(item.Name),
                Slug = ShopRules.Slugify(item.Name),
                Description = item.Description,
                Category = item.Category,
                NormalizedCategory = UnicodeText.ComparisonKey(item.Category),
                ContactEmail = $"{ShopRules.Slugify(item.Name)}@demo.estore.example",
                Status = ShopState.Active,
                CreatedAt = SeededAt.AddMinutes(index),
                UpdatedAt = SeededAt.AddMinutes(index),
            };
            db.Shops.Add(shop);
            outbox.Add(new ShopCreated(shop.Id, shop.OwnerId, shop.Name, shop.ContactEmail, ShopStatus.Active) { OccurredAt = shop.CreatedAt });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
