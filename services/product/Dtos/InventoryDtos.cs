namespace EStore.Product.Dtos;

/// <summary>Body of <c>PUT /api/inventory/{variantId}</c>: the new stock level (and optionally the low-stock threshold).</summary>
public sealed record SetStockRequest(int? Stock, int? LowStockThreshold, string? Reason);

/// <summary>Body of <c>POST /api/inventory/{variantId}/adjust</c>: a signed change with its reason.</summary>
public sealed record AdjustStockRequest(int? Delta, string? Reason);

/// <summary>A variant's stock after a change, with its ledger line.</summary>
public sealed record StockLevelDto(Guid VariantId, string Sku, int Stock, int LowStockThreshold, string StockStatus, StockMovementDto? Movement);

/// <summary>A ledger line.</summary>
public sealed record StockMovementDto(long Id, int Delta, int StockAfter, string Reason, Guid? ActorId, DateTimeOffset At);
