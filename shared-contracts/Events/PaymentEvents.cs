namespace EStore.Contracts.Events;

/// <summary>The order's amount was charged (payment-service, <see cref="Topics.Payment"/>; saga step 3).</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderId">The order it pays for.</param>
/// <param name="UserId">The customer.</param>
/// <param name="Amount">The amount charged.</param>
/// <param name="ProviderReference">The payment gateway's reference for the charge.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record PaymentSucceeded(Guid PaymentId, Guid OrderId, Guid UserId, Money Amount, string ProviderReference, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>The charge was declined or could not be made (saga step 3).</summary>
/// <param name="PaymentId">The payment attempt.</param>
/// <param name="OrderId">The order.</param>
/// <param name="UserId">The customer.</param>
/// <param name="Amount">The amount that was due.</param>
/// <param name="Reason">Why, shown in the order's history (never card details).</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record PaymentFailed(Guid PaymentId, Guid OrderId, Guid UserId, Money Amount, string Reason, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}

/// <summary>A captured payment was refunded (the customer cancelled before shipping).</summary>
/// <param name="PaymentId">The refunded payment.</param>
/// <param name="RefundId">The refund.</param>
/// <param name="OrderId">The order.</param>
/// <param name="UserId">The customer.</param>
/// <param name="Amount">The amount refunded.</param>
/// <param name="Reason">Why.</param>
/// <param name="CustomerEmail">The customer's e-mail address, so that notification-service can mail them without a local copy. Added later, so optional: null from older producers.</param>
public sealed record PaymentRefunded(Guid PaymentId, Guid RefundId, Guid OrderId, Guid UserId, Money Amount, string Reason, string? CustomerEmail = null) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => OrderId.ToString();
}
