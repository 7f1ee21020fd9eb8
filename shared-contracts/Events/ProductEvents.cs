namespace EStore.Contracts.Events;

/// <summary>A quantity of one product (or one of its variants).</summary>
/// <param name="ProductId">The product.</param>
/// <param name="VariantId">The variant, when the product has variants.</param>
/// <param name="Quantity">How many units.</param>
public sealed record StockLine(Guid ProductId, Guid? VariantId, int Quantity);

/// <summary>A line that could not be reserved.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="VariantId">The variant, when the product has variants.</param>
/// <param name="Requested">Units the order asked for.</param>
/// <param name="Available">Units that were available.</param>
/// <param name="Reason">Why the line failed, one of <see cref="StockShortageReasons"/> (null from older producers).</param>
public sealed record StockShortage(Guid ProductId, Guid? VariantId, int Requested, int Available, string? Reason = null);

/// <summary>The per-line reasons of a <see cref="StockShortage"/>.</summary>
public static class StockShortageReasons
{
    /// <summary>Fewer units available than requested.</summary>
    public const string InsufficientStock = "insufficient_stock";

    /// <summary>No such product or variant, or a product with several variants ordered without naming one.</summary>
    public const string UnknownItem = "unknown_item";

    /// <summary>The product was deleted or its shop is not open (pending or suspended).</summary>
    public const string NotForSale = "not_for_sale";

    /// <summary>The quantity was not a positive number.</summary>
    public const string InvalidQuantity = "invalid_quantity";
}

/// <summary>How a product changed.</summary>
public enum ProductChangeKind
{
    /// <summary>The product was added to the catalog.</summary>
    Created,
    /// <summary>Its name, price or availability changed.</summary>
    Updated,
    /// <summary>It was removed from the catalog.</summary>
    Deleted,
}

/// <summary>
/// Every line of an order was reserved, all or nothing (product-service, <see cref="Topics.Product"/>;
/// saga step 2). Keyed by the order so the saga's events stay in order.
/// </summary>
/// <param name="OrderId">The order the stock is held for.</param>
/// <param name="Lines">What was reserved.</param>
/// <param name="ExpiresAt">When an unconfirmed reservation is released.</param>
public sealed record StockReserved(Guid OrderId, IReadOnlyList<StockLine> Lines, DateTimeOffset ExpiresAt) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>An order could not be reserved; nothing was held (saga step 2).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Reason">Human-readable reason, shown in the order's history.</param>
/// <param name="Shortages">The lines that were short.</param>
public sealed record StockReservationFailed(Guid OrderId, string Reason, IReadOnlyList<StockShortage> Shortages) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>An order's reservation was given back (cancelled or expired; saga step 5).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Lines">What was released.</param>
/// <param name="Reason">Why: cancellation or expiry.</param>
public sealed record StockReleased(Guid OrderId, IReadOnlyList<StockLine> Lines, string Reason) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>A product's available stock fell to or below its threshold; its shop owner is told.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="VariantId">The variant, when the product has variants.</param>
/// <param name="ShopId">The shop that sells it.</param>
/// <param name="Available">Units still available.</param>
/// <param name="Threshold">The configured low-stock threshold.</param>
/// <param name="ProductName">
/// The product's name, for the shop owner's mail. Added later, so optional: null from older producers.
/// </param>
public sealed record LowStockDetected(Guid ProductId, Guid? VariantId, Guid ShopId, int Available, int Threshold, string? ProductName = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => ProductId.ToString();
}

/// <summary>A product was created, changed or deleted (carts refresh names and prices from it).</summary>
/// <param name="ProductId">The product.</param>
/// <param name="ShopId">The shop that sells it.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The product's name.</param>
/// <param name="Price">The current price.</param>
/// <param name="Available">Whether it can be bought.</param>
public sealed record ProductChanged(Guid ProductId, Guid ShopId, ProductChangeKind Kind, string Name, Money Price, bool Available) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => ProductId.ToString();
}
