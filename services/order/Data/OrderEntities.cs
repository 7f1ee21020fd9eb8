using System.Text.Json;

namespace EStore.Order.Data;

/// <summary>Where an order (or a whole checkout) stands. Stored as its wire name (<c>PENDING</c>) in its own column.</summary>
public enum OrderStatus
{
    Pending,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

/// <summary>Where the money stands, per checkout and per order, in its own column so lists can filter on it.</summary>
public enum PaymentStatus
{
    Pending,
    Paid,
    PartiallyRefunded,
    Refunded,
    Failed,
}

/// <summary>Where the parcel stands, per order.</summary>
public enum FulfilmentStatus
{
    Unfulfilled,
    Shipped,
    Delivered,
    Cancelled,
}

/// <summary>The wire names of the status enums: <c>PARTIALLY_REFUNDED</c> for <see cref="PaymentStatus.PartiallyRefunded"/>.</summary>
public static class StatusNames
{
    public static string Wire<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    public static T Parse<T>(string wire)
        where T : struct, Enum => Enum.Parse<T>(wire.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    public static bool TryParse<T>(string? wire, out T value)
        where T : struct, Enum
    {
        value = default;
        return wire is not null && !wire.Any(char.IsDigit)
            && Enum.TryParse(wire.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}

/// <summary>
/// What the shopper pays for once: the saga's id (every saga event's <c>OrderId</c>), split into one <see cref="ShopOrder"/>
/// per shop. <see cref="Version"/> guards the saga's transitions: a handler and the timeout sweep never both win.
/// </summary>
public sealed class Checkout
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string CustomerEmail { get; set; } = "";
    public Guid? CartId { get; set; }
    public Guid PaymentMethodId { get; set; }
    public decimal Total { get; set; }
    public string Currency { get; set; } = "";
    public OrderStatus Status { get; set; }
    public PaymentStatus PaymentStatus { get; set; }
    public Guid? PaymentId { get; set; }
    public decimal RefundedAmount { get; set; }
    public string? CancelReason { get; set; }
    public string? CancelledBy { get; set; }
    public ShippingAddress ShippingAddress { get; set; } = new();
    public string IdempotencyKey { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
    public List<ShopOrder> Orders { get; set; } = [];
}

/// <summary>The address copied from address-service when the checkout was made (later edits there do not change it).</summary>
public sealed class ShippingAddress
{
    public Guid AddressId { get; set; }
    public string Recipient { get; set; } = "";
    public string Line1 { get; set; } = "";
    public string? Line2 { get; set; }
    public string City { get; set; } = "";
    public string? Region { get; set; }
    public string PostalCode { get; set; } = "";
    public string Country { get; set; } = "";
    public string Phone { get; set; } = "";
}

/// <summary>One shop's part of a checkout: that shop sees and fulfils it alone.</summary>
public sealed class ShopOrder
{
    public Guid Id { get; set; }
    public Guid CheckoutId { get; set; }
    public Checkout Checkout { get; set; } = null!;
    public Guid ShopId { get; set; }
    public Guid UserId { get; set; }
    public OrderStatus Status { get; set; }
    public PaymentStatus PaymentStatus { get; set; }
    public FulfilmentStatus FulfilmentStatus { get; set; }
    public decimal Total { get; set; }
    public string Currency { get; set; } = "";
    public string? CancelReason { get; set; }
    public string? CancelledBy { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>Set when the customer changed the address of this order after checkout; null: the checkout's.</summary>
    public ShippingAddress? ShippingAddress { get; set; }
    public int Version { get; set; }
    public List<OrderItem> Lines { get; set; } = [];
    public List<TimelineEntry> Timeline { get; set; } = [];
}

/// <summary>One line, priced by product-service at checkout (never by the client).</summary>
public sealed class OrderItem
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid ProductId { get; set; }
    public Guid VariantId { get; set; }
    public Guid ShopId { get; set; }
    public string ProductName { get; set; } = "";
    public string VariantName { get; set; } = "";
    public int Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public string Currency { get; set; } = "";
    /// <summary>Set when the line was cancelled (refunded, its units back); it no longer counts in the order's total.</summary>
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancelReason { get; set; }
}

/// <summary>One change of an order: who (a user id or <c>system</c>), when, what.</summary>
public sealed class TimelineEntry
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string What { get; set; } = "";
    public string? Detail { get; set; }
}

/// <summary>
/// An <c>Idempotency-Key</c> the caller used: inserted before any work (the primary key makes a second request with
/// the key fail its insert instead of checking first), completed with the first answer, kept 24 hours.
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid UserId { get; set; }
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    /// <summary>Null while the first request is still being handled.</summary>
    public int? StatusCode { get; set; }
    public string? Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
