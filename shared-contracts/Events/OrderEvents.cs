namespace EStore.Contracts.Events;

/// <summary>One line of an order, priced by order-service (never by the client).</summary>
/// <param name="LineId">The line's id (shipping and delivery refer to it).</param>
/// <param name="ProductId">The product.</param>
/// <param name="VariantId">The variant, when the product has variants.</param>
/// <param name="ShopId">The shop that sells it (its owner is notified and ships it).</param>
/// <param name="ProductName">The product's name when the order was placed.</param>
/// <param name="Quantity">Units ordered.</param>
/// <param name="UnitPrice">Price of one unit when the order was placed.</param>
public sealed record OrderLine(Guid LineId, Guid ProductId, Guid? VariantId, Guid ShopId, string ProductName, int Quantity, Money UnitPrice);

/// <summary>A snapshot of the shipping address taken at checkout.</summary>
/// <param name="Recipient">Who receives the parcel.</param>
/// <param name="Line1">Street and number.</param>
/// <param name="Line2">Additional address line.</param>
/// <param name="City">City.</param>
/// <param name="PostalCode">Postal code.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code.</param>
public sealed record AddressSnapshot(string Recipient, string Line1, string? Line2, string City, string PostalCode, string Country);

/// <summary>Who cancelled an order.</summary>
public enum CancelledBy
{
    /// <summary>The saga: stock or payment failed, or the reservation expired.</summary>
    System,
    /// <summary>The customer, before shipping.</summary>
    Customer,
    /// <summary>An administrator.</summary>
    Admin,
    /// <summary>The owner of the order's shop (with a reason, before shipping).</summary>
    ShopOwner,
}

/// <summary>
/// An order was stored as PENDING (order-service, <see cref="Topics.Order"/>; saga step 1).
/// product-service reserves its lines; payment-service records the amount due.
/// </summary>
/// <param name="OrderId">The checkout: the saga's id, shared by its per-shop orders (docs/architecture.md).</param>
/// <param name="UserId">The customer.</param>
/// <param name="CartId">The checked-out cart; null for a direct purchase.</param>
/// <param name="PaymentMethodId">The tokenised payment method to charge.</param>
/// <param name="Lines">The priced lines.</param>
/// <param name="Total">The amount to charge.</param>
/// <param name="ShippingAddress">Where to ship.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record OrderCreated(Guid OrderId, Guid UserId, Guid? CartId, Guid PaymentMethodId, IReadOnlyList<OrderLine> Lines, Money Total, AddressSnapshot ShippingAddress, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>Stock is reserved and payment succeeded: the order is CONFIRMED (saga step 4).</summary>
/// <param name="OrderId">The checkout: the saga's id, shared by its per-shop orders (docs/architecture.md).</param>
/// <param name="UserId">The customer.</param>
/// <param name="CartId">The cart to empty; null for a direct purchase.</param>
/// <param name="PaymentId">The successful payment.</param>
/// <param name="Total">The amount charged.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record OrderConfirmed(Guid OrderId, Guid UserId, Guid? CartId, Guid PaymentId, Money Total, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>The order is CANCELLED; reservations are released, a captured payment is refunded.</summary>
/// <param name="OrderId">The checkout: the saga's id, shared by its per-shop orders (docs/architecture.md).</param>
/// <param name="UserId">The customer.</param>
/// <param name="CancelledBy">Who cancelled it.</param>
/// <param name="Reason">Why, shown in the order's history.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record OrderCancelled(Guid OrderId, Guid UserId, CancelledBy CancelledBy, string Reason, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>
/// Some lines of one shop's order were cancelled after confirmation and before shipping (saga step 8):
/// payment-service refunds <paramref name="Amount"/>, product-service puts the units back.
/// </summary>
/// <param name="OrderId">The checkout the lines belong to (the saga's id).</param>
/// <param name="UserId">The customer.</param>
/// <param name="ShopId">The shop whose order the lines are in.</param>
/// <param name="Lines">The cancelled lines, with their quantities and prices.</param>
/// <param name="Amount">What is refunded for them.</param>
/// <param name="CancelledBy">Who cancelled them.</param>
/// <param name="Reason">Why, shown in the order's history.</param>
/// <param name="CustomerEmail">The customer's e-mail address.</param>
public sealed record OrderLineCancelled(Guid OrderId, Guid UserId, Guid ShopId, IReadOnlyList<OrderLine> Lines, Money Amount, CancelledBy CancelledBy, string Reason, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>A shop owner shipped some of an order's lines (saga step 8).</summary>
/// <param name="OrderId">The checkout: the saga's id, shared by its per-shop orders (docs/architecture.md).</param>
/// <param name="UserId">The customer.</param>
/// <param name="ShopId">The shop that shipped.</param>
/// <param name="LineIds">The lines in this shipment.</param>
/// <param name="TrackingNumber">The carrier's tracking number.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record OrderShipped(Guid OrderId, Guid UserId, Guid ShopId, IReadOnlyList<Guid> LineIds, string TrackingNumber, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>A shop owner marked some of an order's lines delivered.</summary>
/// <param name="OrderId">The checkout: the saga's id, shared by its per-shop orders (docs/architecture.md).</param>
/// <param name="UserId">The customer.</param>
/// <param name="ShopId">The shop that delivered.</param>
/// <param name="LineIds">The delivered lines.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record OrderDelivered(Guid OrderId, Guid UserId, Guid ShopId, IReadOnlyList<Guid> LineIds, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}
