namespace EStore.Web.Gateway;

// The shapes of the gateway's public answers this app reads (product- and shop-service READMEs); only the members shown.

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int Size, int Total)
{
    public int Pages => Size <= 0 ? 0 : (Total + Size - 1) / Size;

    public static PageOf<T> Empty { get; } = new([], 1, 1, 0);
}

public sealed record Product(
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
    IReadOnlyList<ProductVariant> Variants);

public sealed record ProductVariant(Guid Id, string Sku, string Name, decimal Price, int Stock, string StockStatus);

public sealed record Category(Guid Id, string Name, string Slug, Guid? ParentId, IReadOnlyList<Category> Children);

public sealed record Shop(Guid Id, string Name, string? Description, string? Category, string? ContactEmail, string Status);

/// <summary>What the search page asks for; every member maps to one query parameter of <c>GET /api/products</c>.</summary>
public sealed record ProductSearch(
    string? Q = null,
    Guid? Category = null,
    Guid? ShopId = null,
    decimal? MinPrice = null,
    decimal? MaxPrice = null,
    bool InStock = false,
    string? Sort = null,
    int Page = 1);

/// <summary>The sort orders <c>GET /api/products</c> knows, with the label a shopper reads.</summary>
public static class ProductSorts
{
    public static IReadOnlyList<(string Value, string Label)> All { get; } =
    [
        ("relevance", "Best match"),
        ("name", "Name"),
        ("price", "Price: low to high"),
        ("-price", "Price: high to low"),
        ("newest", "Newest"),
    ];
}
