namespace EStore.Web.Gateway;

// cart-service's answers (services/cart/README.md); only the members the pages read.

public sealed record CartSummary(Guid Id, string Name, bool IsDefault, int Lines, int Items);

public sealed record CartView(
    Guid Id,
    string Name,
    bool IsDefault,
    bool Guest,
    IReadOnlyList<CartLine> Lines,
    IReadOnlyList<MoneyTotal> Totals,
    int Items,
    bool PriceUnavailable);

public sealed record CartLine(
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
    bool Unavailable);

public sealed record MoneyTotal(string Currency, decimal Amount);
