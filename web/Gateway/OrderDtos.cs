namespace EStore.Web.Gateway;

// order-service's answers (services/order/README.md), payment-service's payments and the gateway's composed answers
// (gateway/Aggregation); only the members the pages read.

public sealed record OrderAddress(string Recipient, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string Phone);

/// <summary>One line; <c>Status</c> is <c>OPEN</c> or <c>CANCELLED</c> (then it is not in the order's total).</summary>
public sealed record OrderLine(Guid Id, Guid ProductId, Guid VariantId, Guid ShopId, string ProductName, string VariantName,
    int Quantity, decimal UnitPrice, decimal LineTotal, string Currency, string Status, string? CancelReason)
{
    public bool Open => Status == "OPEN";
}

public sealed record TimelineEntry(DateTimeOffset At, string Actor, string What, string? Detail);

/// <summary>One shop's order (a checkout over several shops has one per shop).</summary>
public sealed record Order(
    Guid Id,
    Guid CheckoutId,
    Guid ShopId,
    Guid UserId,
    string Status,
    string PaymentStatus,
    string FulfilmentStatus,
    decimal Total,
    string Currency,
    string? CancelReason,
    string? CancelledBy,
    string? Carrier,
    string? TrackingNumber,
    OrderAddress ShippingAddress,
    IReadOnlyList<OrderLine> Lines,
    IReadOnlyList<TimelineEntry> Timeline,
    DateTimeOffset CreatedAt);

/// <summary>What the shopper pays once, with its orders per shop.</summary>
public sealed record Checkout(
    Guid Id,
    string Status,
    string PaymentStatus,
    decimal Total,
    string Currency,
    string? CancelReason,
    Guid? CartId,
    IReadOnlyList<Order> Orders,
    DateTimeOffset CreatedAt);

/// <summary>A payment of a checkout as payment-service shows it to its payer (never the card).</summary>
public sealed record Payment(Guid Id, Guid OrderId, string Status, decimal Amount, string Currency, decimal AmountCaptured,
    decimal AmountRefunded, string? FailureReason, DateTimeOffset CreatedAt);

public sealed record OrderProductName(Guid Id, string? Name);

/// <summary><c>GET /api/aggregate/orders/{id}</c>: the order, its checkout's payments and its products' current names (null parts are listed in <c>Missing</c>).</summary>
public sealed record OrderAggregate(Order Order, PageOf<Payment>? Payments, IReadOnlyList<OrderProductName>? Products, IReadOnlyList<MissingPart> Missing);

/// <summary><c>GET /api/aggregate/checkout</c>: the caller's carts, addresses and saved payment methods at once.</summary>
public sealed record CheckoutAggregate(IReadOnlyList<CartSummary>? Carts, IReadOnlyList<Address>? Addresses, IReadOnlyList<PaymentMethod>? PaymentMethods,
    IReadOnlyList<MissingPart> Missing);

public sealed record MissingPart(string Part, string Service, string Reason);

/// <summary>A line a checkout refused (the 409's <c>lines</c>): <c>out_of_stock</c>, <c>insufficient_stock</c>, <c>unavailable</c>, <c>currency_mismatch</c>.</summary>
public sealed record RefusedLine(Guid VariantId, string Reason, int Requested, int? Available);

/// <summary><c>POST /api/orders/{id}/reorder</c>: the cart filled, the lines put in it and those not, each with why.</summary>
public sealed record Reorder(Guid CartId, IReadOnlyList<ReorderedLine> Added, IReadOnlyList<NotReorderedLine> NotAdded);

public sealed record ReorderedLine(Guid VariantId, Guid ProductId, string ProductName, int Quantity);

/// <summary>A line not put into the cart: <c>unavailable</c>, <c>out_of_stock</c>, <c>insufficient_stock</c>, or cart-service's refusal (<c>Message</c>).</summary>
public sealed record NotReorderedLine(Guid VariantId, Guid ProductId, string ProductName, int Requested, int? Available, string Reason, string? Message);

/// <summary>The statuses order-service knows (services/order/README.md), for the filters.</summary>
public static class OrderStatuses
{
    public static IReadOnlyList<string> Order { get; } = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"];

    public static IReadOnlyList<string> Payment { get; } = ["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "FAILED"];

    /// <summary>Before it ships an order may be cancelled and sent elsewhere (order-service answers 409 after).</summary>
    public static bool BeforeShipping(Order order) => order.Status is "PENDING" or "CONFIRMED";
}

/// <summary>Why a line cannot be ordered (a checkout's refusal, a re-order's line not added), in words.</summary>
public static class LineReasons
{
    public static string Describe(string reason, int requested, int? available, string? message = null) => reason switch
    {
        "out_of_stock" => "out of stock",
        "insufficient_stock" => $"only {available} left, you asked for {requested}",
        "unavailable" => "no longer for sale",
        "currency_mismatch" => "priced in another currency than the rest of the cart (one currency per order)",
        "cart_unavailable" => "the cart cannot be reached right now",
        _ => message ?? reason,
    };
}

/// <summary>How an order's id is shown to people: its first eight hex digits (the full id is in the order's address).</summary>
public static class OrderIds
{
    public static string Short(Guid id) => id.ToString("N")[..8].ToUpperInvariant();
}
