namespace EStore.Order.Dtos;

/// <summary>Body of <c>POST /api/orders/checkout</c>: a cart of the caller's; address and payment method default when omitted.</summary>
public sealed record CheckoutRequest(Guid? CartId, Guid? ShippingAddressId, Guid? PaymentMethodId);

/// <summary>Body of <c>POST /api/orders</c>: buy one variant now, without a cart.</summary>
public sealed record BuyNowRequest(Guid? VariantId, int? Quantity, Guid? ShippingAddressId, Guid? PaymentMethodId);

/// <summary>Body of <c>POST /api/orders/{id}/ship</c>.</summary>
public sealed record ShipRequest(string? Carrier, string? TrackingNumber);

/// <summary>Body of the cancel routes (whole order or one line): why (optional for the customer, required for a shop owner).</summary>
public sealed record CancelRequest(string? Reason);

/// <summary>Body of <c>PUT /api/orders/{id}/shipping-address</c>: one of the caller's addresses at address-service.</summary>
public sealed record ShippingAddressRequest(Guid? AddressId);

/// <summary>Body of <c>POST /api/orders/{id}/reorder</c>: the cart to fill (the caller's first cart when omitted).</summary>
public sealed record ReorderRequest(Guid? CartId);

/// <summary>A line put into the cart again.</summary>
public sealed record ReorderedLine(Guid VariantId, Guid ProductId, string ProductName, int Quantity);

/// <summary>A line not put into the cart: <c>unavailable</c>, <c>out_of_stock</c>, <c>insufficient_stock</c> or what cart-service refused.</summary>
public sealed record NotReorderedLine(Guid VariantId, Guid ProductId, string ProductName, int Requested, int? Available, string Reason, string? Message);

/// <summary>What a re-order did: the cart filled, and each line added or not (with why).</summary>
public sealed record ReorderView(Guid CartId, IReadOnlyList<ReorderedLine> Added, IReadOnlyList<NotReorderedLine> NotAdded);

/// <summary>Why a line cannot be ordered (the 409's <c>lines</c>): <c>out_of_stock</c>, <c>insufficient_stock</c>, <c>unavailable</c>, <c>currency_mismatch</c>.</summary>
public sealed record LineProblem(Guid VariantId, string Reason, int Requested, int? Available);

public sealed record AddressView(string Recipient, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string Phone);

/// <summary>One line; <c>Status</c> is <c>OPEN</c> or <c>CANCELLED</c> (then it is not in the order's total).</summary>
public sealed record OrderLineView(Guid Id, Guid ProductId, Guid VariantId, Guid ShopId, string ProductName, string VariantName,
    int Quantity, decimal UnitPrice, decimal LineTotal, string Currency, string Status, string? CancelReason);

public sealed record TimelineView(DateTimeOffset At, string Actor, string What, string? Detail);

/// <summary>One shop's order as its customer, its shop owner or an admin sees it.</summary>
public sealed record OrderView(
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
    AddressView ShippingAddress,
    IReadOnlyList<OrderLineView> Lines,
    IReadOnlyList<TimelineView> Timeline,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What the shopper paid for once, with its per-shop orders (the checkout's 202 answer).</summary>
public sealed record CheckoutView(
    Guid Id,
    Guid UserId,
    Guid? CartId,
    string Status,
    string PaymentStatus,
    decimal Total,
    string Currency,
    string? CancelReason,
    AddressView ShippingAddress,
    IReadOnlyList<OrderView> Orders,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One page of orders.</summary>
public sealed record OrderPage(IReadOnlyList<OrderView> Items, int Page, int Size, int Total);

/// <summary>The admin's summary of orders created in [<c>From</c>, <c>To</c>): totals, per UTC day and per shop, each per currency.</summary>
public sealed record OrderSummary(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SummaryTotal> Totals, IReadOnlyList<SummaryDay> Days,
    IReadOnlyList<SummaryShop> Shops);

/// <summary>Orders created, of them cancelled, and revenue (orders paid and not cancelled) in one currency.</summary>
public sealed record SummaryTotal(string Currency, int Orders, int Cancelled, decimal Revenue);

public sealed record SummaryDay(DateOnly Date, string Currency, int Orders, int Cancelled, decimal Revenue);

public sealed record SummaryShop(Guid ShopId, string Currency, int Orders, int Cancelled, decimal Revenue);
