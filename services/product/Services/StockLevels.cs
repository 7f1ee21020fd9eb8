using EStore.Product.Dtos;

namespace EStore.Product.Services;

/// <summary>Stock status labels and the entity-to-DTO mapping; the API shows available stock (on hand minus reserved).</summary>
public static class StockLevels
{
    public const string InStock = "IN_STOCK";
    public const string LowStock = "LOW_STOCK";
    public const string OutOfStock = "OUT_OF_STOCK";

    public static string Of(int stock, int threshold) => stock <= 0 ? OutOfStock : stock <= threshold ? LowStock : InStock;

    public static ProductDto ToDto(Data.Product p, string? shopName)
    {
        var variants = p.Variants.OrderBy(v => v.Sku, StringComparer.Ordinal)
            .Select(v => new VariantDto(v.Id, v.Sku, v.Name, v.Price, v.Stock - v.Reserved, v.LowStockThreshold, Of(v.Stock - v.Reserved, v.LowStockThreshold)))
            .ToList();
        // A product is as available as all its variants together.
        var status = variants.Count == 0
            ? OutOfStock
            : Of(p.Variants.Sum(v => v.Stock - v.Reserved), p.Variants.Sum(v => v.LowStockThreshold));
        return new ProductDto(p.Id, p.Name, p.Description, p.Price, p.Currency, p.Category, p.CategoryId, p.ShopId, shopName, status, p.CreatedAt, variants);
    }
}
