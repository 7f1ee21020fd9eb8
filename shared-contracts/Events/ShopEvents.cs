namespace EStore.Contracts.Events;

/// <summary>The lifecycle state of a shop.</summary>
public enum ShopStatus
{
    /// <summary>Open: its products can be bought.</summary>
    Active,
    /// <summary>Temporarily closed by an administrator.</summary>
    Suspended,
    /// <summary>Closed for good by its owner.</summary>
    Closed,
    /// <summary>Registered, waiting for an administrator's approval: its products are not for sale yet.</summary>
    Pending,
}

/// <summary>A user registered a shop and became its owner (shop-service, <see cref="Topics.Shop"/>).</summary>
/// <param name="ShopId">The shop.</param>
/// <param name="OwnerId">The user who owns it.</param>
/// <param name="Name">The shop's name.</param>
/// <param name="ContactEmail">Where the owner receives notifications.</param>
/// <param name="Status">
/// The status the shop starts in (<see cref="ShopStatus.Pending"/> when approval is required). Added later, so it
/// is optional: an event written without it reads as <see cref="ShopStatus.Active"/>, as shops then started.
/// </param>
public sealed record ShopCreated(Guid ShopId, Guid OwnerId, string Name, string ContactEmail, ShopStatus Status = ShopStatus.Active) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => ShopId.ToString();
}

/// <summary>A shop's profile changed.</summary>
/// <param name="ShopId">The shop.</param>
/// <param name="Name">The shop's name after the change.</param>
/// <param name="ContactEmail">The contact address after the change.</param>
/// <param name="OwnerId">The shop's owner, so that a consumer that missed ShopCreated can still keep a copy. Added later, so optional: null from older producers.</param>
public sealed record ShopUpdated(Guid ShopId, string Name, string ContactEmail, Guid? OwnerId = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => ShopId.ToString();
}

/// <summary>A shop was approved, suspended, reactivated or closed.</summary>
/// <param name="ShopId">The shop.</param>
/// <param name="Status">The new status.</param>
/// <param name="Reason">Why, if given.</param>
public sealed record ShopStatusChanged(Guid ShopId, ShopStatus Status, string? Reason) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => ShopId.ToString();
}
