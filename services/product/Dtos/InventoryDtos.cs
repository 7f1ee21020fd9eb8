using System.Text.Json.Serialization;

namespace EStore.Product.Dtos;

/// <summary>Body of <c>PUT /api/inventory/{variantId}</c>: the new stock level (and optionally the low-stock threshold).</summary>
public sealed record SetStockRequest(int? Stock, int? LowStockThreshold, string? Reason);

/// <summary>Body of <c>POST /api/inventory/{variantId}/adjust</c>: a signed change with its reason.</summary>
public sealed record AdjustStockRequest(int? Delta, string? Reason);

/// <summary>A variant's stock after a change, with its ledger line.</summary>
public sealed record StockLevelDto(Guid VariantId, string Sku, int Stock, int LowStockThreshold, string StockStatus, StockMovementDto? Movement);

/// <summary>A ledger line.</summary>
public sealed record StockMovementDto(long Id, int Delta, int StockAfter, string Reason, Guid? ActorId, DateTimeOffset At);

/// <summary>One live variant in <c>GET /api/inventory/report</c> (the CSV has the same columns in this order).</summary>
public sealed record InventoryReportRow(
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
    // Always present, null when nothing sold in 30 days: a report column, not an optional extra.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? DaysOfCover);

/// <summary><c>GET /api/inventory/report</c> as JSON: the shop's live variants, sales counted up to <see cref="GeneratedAt"/>.</summary>
public sealed record InventoryReportDto(Guid ShopId, DateTimeOffset GeneratedAt, IReadOnlyList<InventoryReportRow> Items);

/// <summary><c>GET /api/inventory/summary</c>: counts for the shop owner's dashboard (shop-service relies on these names).</summary>
public sealed record ShopStockSummaryDto(Guid ShopId, int Products, int Variants, int LowStock, int OutOfStock);
