namespace EStore.Product.Dtos;

/// <summary>A product as the catalog API shows it (the first six members are the walking skeleton's).</summary>
public sealed record ProductDto(
    Guid Id,
    string Name,
    string Description,
    decimal Price,
    string Currency,
    string Category,
    Guid? CategoryId,
    Guid? ShopId,
    string? ShopName,
    string StockStatus,
    DateTimeOffset CreatedAt,
    IReadOnlyList<VariantDto> Variants);

/// <summary>A variant with its stock level.</summary>
public sealed record VariantDto(Guid Id, string Sku, string Name, decimal Price, int Stock, int LowStockThreshold, string StockStatus);

/// <summary>
/// One variant of <c>GET /api/products/variants?ids=</c>. <see cref="State"/> is <c>AVAILABLE</c> (every member set),
/// <c>DELETED</c> (the product was deleted) or <c>HIDDEN</c> (its shop is not active); the last two carry only the id.
/// </summary>
public sealed record VariantLookupDto(
    Guid VariantId,
    string State,
    Guid? ProductId,
    string? ProductName,
    string? VariantName,
    Guid? ShopId,
    string? ShopName,
    decimal? Price,
    string? Currency,
    int? Available,
    string? StockStatus)
{
    /// <summary>A variant that is no longer for sale: only its id and why.</summary>
    public static VariantLookupDto Unavailable(Guid variantId, string state) => new(variantId, state, null, null, null, null, null, null, null, null, null);
}

/// <summary>The states of <see cref="VariantLookupDto.State"/>.</summary>
public static class VariantStates
{
    public const string Available = "AVAILABLE";
    public const string Deleted = "DELETED";
    public const string Hidden = "HIDDEN";

    /// <summary>The most ids one lookup takes (a cart's line limit).</summary>
    public const int MaxIds = 100;
}

/// <summary>One page of a list, with the total count for pagination.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int Size, int Total);

/// <summary>Body of <c>POST /api/products</c>; <c>PUT</c> uses the same shape (shop and variants ignored).</summary>
public sealed record ProductRequest(
    Guid? ShopId,
    Guid? CategoryId,
    string? Name,
    string? Description,
    decimal? Price,
    string? Currency,
    IReadOnlyList<VariantRequest>? Variants);

/// <summary>A variant to create.</summary>
public sealed record VariantRequest(string? Sku, string? Name, decimal? Price, int? Stock, int? LowStockThreshold);

/// <summary>Body of the admin category endpoints.</summary>
public sealed record CategoryRequest(string? Name, Guid? ParentId);

/// <summary>A category with its subcategories.</summary>
public sealed record CategoryDto(Guid Id, string Name, string Slug, Guid? ParentId, IReadOnlyList<CategoryDto> Children);

/// <summary>The sort orders a client may ask for (<c>sort=</c>); anything else is a 400.</summary>
public enum ProductSort
{
    Name,
    Price,
    PriceDesc,
    Newest,
    /// <summary>Best text match first (the default when <c>q</c> is given); by name without <c>q</c>.</summary>
    Relevance,
}
