using System.Text.Json.Serialization;

namespace EStore.Shop.Dtos;

/// <summary>
/// <c>GET /api/shops/{id}/summary</c>: the owner's dashboard. A count is null when the service that owns it
/// did not answer (named in <see cref="Unavailable"/>); <see cref="OpenOrders"/> (confirmed, not delivered or cancelled) is counted locally;
/// nulls are written out, unlike elsewhere, so a dashboard can tell "unknown" from a missing field.
/// </summary>
public sealed record ShopSummaryDto(
    Guid ShopId,
    string Name,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Products,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Variants,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? LowStock,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? OutOfStock,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? OpenOrders,
    IReadOnlyList<string> Unavailable);

/// <summary>product-service's <c>GET /api/inventory/summary?shopId=</c> answer.</summary>
public sealed record InventorySummary(Guid ShopId, int Products, int Variants, int LowStock, int OutOfStock);

/// <summary>The part of identity-service's <c>GET /api/users/me</c> that shop-service reads.</summary>
public sealed record AccountStatus(Guid Id, bool EmailVerified);
