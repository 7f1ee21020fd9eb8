namespace EStore.Cart.Data;

/// <summary>
/// A named cart. A user's cart has <see cref="OwnerId"/>; a guest cart has none and is found by the hash of its opaque
/// token instead (the token itself is never stored).
/// </summary>
public sealed class Cart
{
    public Guid Id { get; set; }
    public Guid? OwnerId { get; set; }
    /// <summary>SHA-256 of a guest cart's token, hex; null for a user's cart.</summary>
    public string? GuestTokenHash { get; set; }
    public required string Name { get; set; }
    /// <summary>The user's default cart (at most one per user, enforced by a partial unique index).</summary>
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Last change; a guest cart untouched for the configured lifetime is swept.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public List<CartLine> Lines { get; set; } = [];
}

/// <summary>
/// One product variant in a cart (one line per variant: the key is cart and variant). Names, shop and price are what
/// product-service said when it was added: shown as they were when product-service cannot be reached.
/// </summary>
public sealed class CartLine
{
    public Guid CartId { get; set; }
    public Guid VariantId { get; set; }
    public Guid ProductId { get; set; }
    public Guid? ShopId { get; set; }
    public string? ShopName { get; set; }
    public required string ProductName { get; set; }
    public required string VariantName { get; set; }
    public int Quantity { get; set; }
    public decimal PriceWhenAdded { get; set; }
    public required string Currency { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}
