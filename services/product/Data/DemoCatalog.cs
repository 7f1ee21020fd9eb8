using System.Data.Common;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Data;

/// <summary>The demo catalog a fresh database starts with, so a new mesh has something to browse.</summary>
public static class DemoCatalog
{
    // Fixed ids and times so every instance and every run seeds the same catalog.
    private static readonly DateTimeOffset SeededAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly (string Name, string Description, decimal Price, string Category)[] Items =
    [
        ("Trail Running Shoes", "Lightweight shoes with a grippy sole for muddy trails.", 89.90m, "Footwear"),
        ("Merino Wool Socks", "Warm, breathable socks that do not itch.", 14.50m, "Footwear"),
        ("Waterproof Jacket", "Taped seams and a hood that fits over a helmet.", 149.00m, "Clothing"),
        ("Organic Cotton T-Shirt", "Soft everyday shirt, fairly made.", 19.99m, "Clothing"),
        ("Insulated Water Bottle", "Keeps drinks cold for 24 hours, hot for 12.", 24.00m, "Outdoor"),
        ("Two-Person Tent", "Freestanding tent that pitches in five minutes.", 229.00m, "Outdoor"),
        ("Headlamp 400", "400-lumen rechargeable headlamp with red light mode.", 39.95m, "Outdoor"),
        ("Espresso Beans 1kg", "Medium roast with notes of chocolate and hazelnut.", 27.80m, "Grocery"),
        ("Stoneware Mug", "Hand-glazed 350 ml mug.", 12.00m, "Kitchen"),
        ("Chef's Knife 20cm", "Forged stainless steel, full tang.", 79.00m, "Kitchen"),
        ("Noise-Cancelling Headphones", "Over-ear, 30 hours of battery.", 199.00m, "Electronics"),
        ("USB-C Charger 65W", "Charges a laptop and a phone at once.", 34.90m, "Electronics"),
    ];

    /// <summary>Seeds the demo catalog into an empty products table.</summary>
    public static async Task SeedAsync(ProductDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.Categories.AnyAsync(cancellationToken);
            // Reading whole rows touches every mapped column: the search column and the ledger's movement kind too.
            await db.Products.AsNoTracking().Take(1).ToListAsync(cancellationToken);
            await db.StockMovements.AsNoTracking().Take(1).ToListAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            // EnsureCreated leaves an existing database alone: one made by an older build lacks tables or columns.
            throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                "the product database predates categories, variants, stock, search or the ledger's movement kinds (no migrations yet); delete it (for the launcher: data/product-service.db) and start again.", ex);
        }
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
        db.Products.AddRange(Items.Select((item, index) => new Product
        {
            Id = new Guid($"00000000-0000-4000-8000-{index + 1:D12}"),
            Name = item.Name,
            Description = item.Description,
            Price = item.Price,
            Currency = "EUR",
            Category = item.Category,
            CategoryId = categories.Single(c => c.Name == item.Category).Id,
            CreatedAt = SeededAt.AddMinutes(index),
            UpdatedAt = SeededAt.AddMinutes(index),
            Variants =
            [
                new ProductVariant
                {
                    Id = new Guid($"00000000-0000-4000-a000-{index + 1:D12}"),
                    Sku = $"DEMO-{index + 1:D3}",
                    Name = "Standard",
                    Price = item.Price,
                    // Every fifth product is sold out, so stock filters have something to exclude.
                    Stock = index % 5 == 4 ? 0 : 20 + index,
                    LowStockThreshold = 5,
                },
            ],
        }));
        await db.SaveChangesAsync(cancellationToken);
    }
}
