namespace EStore.Cart.Dtos;

/// <summary>Body of <c>POST /api/carts</c> and <c>PUT /api/carts/{id}</c>.</summary>
public sealed record CartRequest(string? Name);

/// <summary>Body of <c>POST .../items</c>: adds <see cref="Quantity"/> units of a variant (to its line if there is one).</summary>
public sealed record AddItemRequest(Guid? VariantId, int? Quantity);

/// <summary>Body of <c>PUT .../items/{variantId}</c>: the line's new quantity.</summary>
public sealed record SetQuantityRequest(int? Quantity);

/// <summary>A cart in the list of a user's carts (no live prices: no call to product-service).</summary>
public sealed record CartSummary(Guid Id, string Name, bool IsDefault, int Lines, int Items, DateTimeOffset UpdatedAt);

/// <summary>
/// A cart as read: each line with live product data, totals per currency. <see cref="PriceUnavailable"/> when
/// product-service could not be asked: lines then show what was stored when they were added, and there are no totals.
/// </summary>
public sealed record CartView(
    Guid Id,
    string Name,
    bool IsDefault,
    bool Guest,
    IReadOnlyList<CartLineView> Lines,
    IReadOnlyList<MoneyTotal> Totals,
    int Items,
    bool PriceUnavailable,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One line. <see cref="UnitPrice"/> is today's price (null when unknown), <see cref="PriceWhenAdded"/> the price when it
/// was added, <see cref="PriceChanged"/> set when they differ. <see cref="Unavailable"/> marks a variant deleted,
/// hidden (its shop is not active) or unknown since; such lines count in no total.
/// </summary>
public sealed record CartLineView(
    Guid VariantId,
    Guid ProductId,
    string ProductName,
    string VariantName,
    Guid? ShopId,
    string? ShopName,
    int Quantity,
    decimal? UnitPrice,
    decimal PriceWhenAdded,
    bool PriceChanged,
    decimal? LineTotal,
    string Currency,
    string? StockStatus,
    int? Available,
    bool Unavailable,
    bool PriceUnavailable);

/// <summary>The sum of the lines in one currency.</summary>
public sealed record MoneyTotal(string Currency, decimal Amount);
