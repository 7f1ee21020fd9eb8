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
