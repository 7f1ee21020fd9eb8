namespace EStore.Web.Gateway;

// shop- and product-service's owner answers (their READMEs); only the members the console reads.

public sealed record OwnedShop(
    Guid Id,
    string Name,
    string? Description,
    string? Category,
    string ContactEmail,
    string Status,
    string? LogoUrl = null,
    string? ContactPhone = null,
    string? Address = null,
    string? OpeningHours = null);

public sealed record ShopSummary(Guid ShopId, string Name, string Status);

public sealed record InventoryRow(
    Guid ProductId,
    string ProductName,
    Guid VariantId,
    string Sku,
    string VariantName,
    int OnHand,
    int Reserved,
    int Available,
    int LowStockThreshold,
    string StockStatus,
    int SoldLast7Days,
    int SoldLast30Days,
    decimal? DaysOfCover);

public sealed record InventoryReport(Guid ShopId, DateTimeOffset GeneratedAt, IReadOnlyList<InventoryRow> Items);
