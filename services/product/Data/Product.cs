using EStore.Contracts.Events;
using EStore.Platform.Text;
using NpgsqlTypes;

namespace EStore.Product.Data;

/// <summary>A product in the catalog, sold by a shop in one category.</summary>
public sealed class Product
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Description { get; set; }
    /// <summary>The listing price: what the catalog shows, filters and sorts on.</summary>
    public decimal Price { get; set; }
    public required string Currency { get; set; }
    /// <summary>The category's name, kept with the product so list responses stay as before.</summary>
    public required string Category { get; set; }
    public Guid? CategoryId { get; set; }
    public Guid? ShopId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Soft delete: orders keep referring to the product, the catalog no longer shows it.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
    public List<ProductVariant> Variants { get; set; } = [];
    /// <summary>
    /// PostgreSQL only: the stored full-text vector over name (weight A) and description (weight B), computed by the
    /// database. Ignored on SQLite.
    /// </summary>
    public NpgsqlTsVector? SearchVector { get; set; }
}

/// <summary>A sellable variant (size, colour...) with its own SKU, price and stock.</summary>
public sealed class ProductVariant
{
    public Guid Id { get; set; }
    public Guid ProductId { get; set; }
    public required string Sku { get; set; }
    public required string Name { get; set; }
    public decimal Price { get; set; }
    /// <summary>Units on hand, including those reserved for orders not yet confirmed.</summary>
    public int Stock { get; set; }
    /// <summary>Units held for pending orders; available = <see cref="Stock"/> - <see cref="Reserved"/>.</summary>
    public int Reserved { get; set; }
    public int LowStockThreshold { get; set; }
    /// <summary>The supplier's own reference for the item (imports and feeds), at most 100 characters.</summary>
    public string? SupplierRef { get; set; }
}

/// <summary>A node of the category tree.</summary>
public sealed class Category
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public Guid? ParentId { get; set; }
}

/// <summary>What product-service knows about a shop, kept current from <c>shop.events</c>.</summary>
public sealed class ShopRecord
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }
    /// <summary>
    /// The name's comparison key (<see cref="UnicodeText.ComparisonKey"/>, as shop-service's directory uses): the
    /// catalog's shop-name filter is width-, space- and case-insensitive the same way on every engine.
    /// </summary>
    public required string NormalizedName { get; set; }
    /// <summary>Only the products of an <see cref="ShopStatus.Active"/> shop are in the public catalog.</summary>
    public ShopStatus Status { get; set; } = ShopStatus.Active;

    /// <summary>The longest <see cref="Name"/> and <see cref="NormalizedName"/> (shop-service's limit).</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// The <see cref="NormalizedName"/> of a name: its <see cref="UnicodeText.ComparisonKey"/>, cut to
    /// <see cref="MaxNameLength"/> in the rare case NFKC made an old, unnormalised name longer.
    /// </summary>
    public static string KeyOf(string name)
    {
        var key = UnicodeText.ComparisonKey(name);
        if (key.Length <= MaxNameLength)
        {
            return key;
        }
        return key[..(char.IsHighSurrogate(key[MaxNameLength - 1]) ? MaxNameLength - 1 : MaxNameLength)];
    }
}

/// <summary>What a ledger line records; reports count <see cref="Sale"/> lines, less <see cref="Return"/> lines, as units sold.</summary>
public enum StockMovementKind
{
    /// <summary>An owner or admin set the stock to a level.</summary>
    Set,
    /// <summary>An owner or admin changed the stock by a delta.</summary>
    Adjust,
    /// <summary>A confirmed order's reserved units left the stock.</summary>
    Sale,
    /// <summary>Sold units of a line cancelled before shipping came back into the stock.</summary>
    Return,
}

/// <summary>One line of the stock ledger: every change of a variant's stock, with the level after it.</summary>
public sealed class StockMovement
{
    public long Id { get; set; }
    public Guid VariantId { get; set; }
    public StockMovementKind Kind { get; set; }
    public int Delta { get; set; }
    public int StockAfter { get; set; }
    public required string Reason { get; set; }
    public Guid? ActorId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>Where a reservation is in the checkout saga.</summary>
public enum ReservationState
{
    Reserved,
    Released,
    Committed,
}

/// <summary>Units of one variant held for one order.</summary>
public sealed class Reservation
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid ProductId { get; set; }
    public Guid VariantId { get; set; }
    public int Quantity { get; set; }
    public ReservationState State { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
