namespace EStore.Shop.Data;

/// <summary>
/// One shop's part of a checkout as shop-service learns it from <c>order.events</c>, kept only to count a shop's open
/// orders for its dashboard without calling order-service. Open: confirmed, and neither delivered nor cancelled.
/// </summary>
public sealed class ShopOrder
{
    /// <summary>The checkout (every order event's <c>OrderId</c>).</summary>
    public Guid CheckoutId { get; set; }

    public Guid ShopId { get; set; }

    /// <summary>The shop's lines not cancelled yet: the order is closed when none is left.</summary>
    public int OpenLines { get; set; }

    public bool Confirmed { get; set; }

    /// <summary>Delivered or cancelled.</summary>
    public bool Closed { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
