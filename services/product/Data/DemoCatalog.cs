using EStore.Contracts.Events;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Data;

/// <summary>
/// The demo catalog a fresh database starts with when <c>Demo:SeedData</c> is on (the local launcher), so a new mesh
/// has something to browse: six categories, three shops and twelve products with several variants each.
/// </summary>
public static class DemoCatalog
{
    /// <summary>Outdoor gear, footwear and clothing (the same id as in shop-service's demo shops).</summary>
    public static readonly Guid SummitOutfitters = new("00000000-0000-4000-b000-000000000001");

    /// <summary>Coffee and kitchenware.</summary>
    public static readonly Guid DailyGrindKitchen = new("00000000-0000-4000-b000-000000000002");

    /// <summary>Headphones and chargers.</summary>
    public static readonly Guid VoltElectronics = new("00000000-0000-4000-b000-000000000003");

    // Fixed ids and times so every instance and every run seeds the same catalog.
    private static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // shop-service seeds these shops too (services/shop/Data/DemoShops.cs) and publishes their ShopCreated; the rows
    // written here make the catalog complete before those events arrive.
    private static readonly (Guid Id, string Name)[] Shops =
    [
        (SummitOutfitters, "Summit Outfitters"),
        (DailyGrindKitchen, "Daily Grind Kitchen"),
        (VoltElectronics, "Volt Electronics"),
    ];

    private static readonly DemoItem[] Items =
    [
        new("Trail Running Shoes", "Lightweight shoes with a grippy sole for muddy trails.", 89.90m, "Footwear", SummitOutfitters,
            [new("TRS-40", "EU 40", 89.90m, 12), new("TRS-42", "EU 42", 89.90m, 3), new("TRS-44", "EU 44", 89.90m, 0)]),
        new("Merino Wool Socks", "Warm, breathable socks that do not itch.", 14.50m, "Footwear", SummitOutfitters,
            [new("MWS-M", "M (39-42)", 14.50m, 30), new("MWS-L", "L (43-46)", 14.50m, 25)]),
        new("Waterproof Jacket", "Taped seams and a hood that fits over a helmet.", 149.00m, "Clothing", SummitOutfitters,
            [new("WPJ-RED-M", "Red / M", 149.00m, 8), new("WPJ-RED-L", "Red / L", 149.00m, 2), new("WPJ-NAVY-M", "Navy / M", 149.00m, 6)]),
        new("Organic Cotton T-Shirt", "Soft everyday shirt, fairly made.", 19.99m, "Clothing", SummitOutfitters,
            [new("OCT-WHT-S", "White / S", 19.99m, 40), new("OCT-WHT-M", "White / M", 19.99m, 35), new("OCT-BLK-M", "Black / M", 19.99m, 0), new("OCT-BLK-L", "Black / L", 19.99m, 4)]),
        new("Insulated Water Bottle", "Keeps drinks cold for 24 hours, hot for 12.", 24.00m, "Outdoor", SummitOutfitters,
            [new("IWB-500", "500 ml", 24.00m, 0), new("IWB-750", "750 ml", 27.00m, 0)]),
        new("Two-Person Tent", "Freestanding tent that pitches in five minutes.", 229.00m, "Outdoor", SummitOutfitters,
            [new("TPT-GRN", "Green", 229.00m, 9), new("TPT-ORG", "Orange", 229.00m, 7)]),
        new("Headlamp 400", "400-lumen rechargeable headlamp with red light mode.", 39.95m, "Outdoor", SummitOutfitters,
            [new("HL400-BLK", "Black", 39.95m, 26), new("HL400-YEL", "Yellow", 39.95m, 5)]),
        new("Espresso Beans 1kg", "Medium roast with notes of chocolate and hazelnut.", 27.80m, "Grocery", DailyGrindKitchen,
            [new("ESP-WHOLE", "Whole beans", 27.80m, 27), new("ESP-GROUND", "Ground", 27.80m, 10)]),
        new("Stoneware Mug", "Hand-glazed 350 ml mug.", 12.00m, "Kitchen", DailyGrindKitchen,
            [new("MUG-SAND", "Sand", 12.00m, 28), new("MUG-SLATE", "Slate", 12.00m, 4)]),
        new("Chef's Knife 20cm", "Forged stainless steel, full tang.", 79.00m, "Kitchen", DailyGrindKitchen,
            [new("CHK-20", "20 cm", 79.00m, 0)]),
        new("Noise-Cancelling Headphones", "Over-ear, 30 hours of battery.", 199.00m, "Electronics", VoltElectronics,
            [new("NCH-BLK", "Black", 199.00m, 30), new("NCH-SLV", "Silver", 199.00m, 1)]),
        new("USB-C Charger 65W", "Charges a laptop and a phone at once.", 34.90m, "Electronics", VoltElectronics,
            [new("USBC65-EU", "EU plug", 34.90m, 31), new("USBC65-UK", "UK plug", 35.90m, 0)]),
    ];

    /// <summary>Seeds the demo categories, shops and products into a database without products.</summary>
    public static async Task SeedAsync(ProductDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Products.AnyAsync(cancellationToken))
        {
            return;
        }
        // One root category per demo category name, with fixed ids like the products.
        var categories = Items.Select(i => i.Category).Distinct().Select((name, index) => new Category
        {
            Id = new Guid($"00000000-0000-4000-9000-{index + 1:D12}"),
            Name = name,
            Slug = name.ToLowerInvariant(),
        }).ToList();
        db.Categories.AddRange(categories);
        var known = await db.Shops.Select(s => s.Id).ToListAsync(cancellationToken);
        db.Shops.AddRange(Shops.Select((shop, index) => new ShopRecord
        {
            Id = shop.Id,
            // The same made-up owners as shop-service's demo shops.
            OwnerId = new Guid($"00000000-0000-4000-c000-{index + 1:D12}"),
            Name = shop.Name,
            NormalizedName = ShopRecord.KeyOf(shop.Name),
            Status = ShopStatus.Active,
        }).Where(s => !known.Contains(s.Id)));
        db.Products.AddRange(Items.Select((item, index) => new Product
        {
            Id = new Guid($"00000000-0000-4000-8000-{index + 1:D12}"),
            ShopId = item.ShopId,
            Name = item.Name,
            Description = item.Description,
            Price = item.Price,
            Currency = "EUR",
            Category = item.Category,
            CategoryId = categories.Single(c => c.Name == item.Category).Id,
            CreatedAt = SeededAt.AddMinutes(index),
            UpdatedAt = SeededAt.AddMinutes(index),
            Variants = [.. item.Variants.Select((variant, number) => new ProductVariant
            {
                // The first variant keeps the id the single demo variant had before variants came.
                Id = new Guid($"00000000-0000-4000-a{number:D3}-{index + 1:D12}"),
                Sku = variant.Sku,
                Name = variant.Name,
                Price = variant.Price,
                Stock = variant.Stock,
                LowStockThreshold = 5,
            })],
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    private sealed record DemoItem(string Name, string Description, decimal Price, string Category, Guid ShopId, DemoVariant[] Variants);

    private sealed record DemoVariant(string Sku, string Name, decimal Price, int Stock);
}
