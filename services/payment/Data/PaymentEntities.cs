namespace EStore.Payment.Data;

/// <summary>
/// A saved card: only what the provider handed back after tokenising it. The number and CVC are never stored.
/// </summary>
public sealed class PaymentMethod
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The provider's payment method id (<c>pm_...</c>), attached to the user's provider customer.</summary>
    public required string ProviderToken { get; set; }
    public required string Type { get; set; }
    public required string Brand { get; set; }
    public required string Last4 { get; set; }
    public int ExpiryMonth { get; set; }
    public int ExpiryYear { get; set; }
    /// <summary>The provider's fingerprint of the number: the same card saved twice has the same one.</summary>
    public string? Fingerprint { get; set; }
    public Guid? BillingAddressId { get; set; }
    /// <summary>At most one per user (a partial unique index).</summary>
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The provider customer of one EStore user, made on first use, so saved cards can be charged again.</summary>
public sealed class ProviderCustomer
{
    public Guid UserId { get; set; }
    public required string CustomerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Where a payment stands.</summary>
public static class PaymentStatus
{
    /// <summary>Waiting for the order (OrderCreated) and its stock (StockReserved); either may come first.</summary>
    public const string Pending = "pending";

    /// <summary>A charge was (or is about to be) sent under <see cref="Payment.IdempotencyKey"/>; its outcome is not stored yet.</summary>
    public const string Charging = "charging";

    /// <summary>The provider took the money.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Declined, or the provider could not be reached within the bounded time.</summary>
    public const string Failed = "failed";

    /// <summary>Some of what was captured was given back.</summary>
    public const string PartiallyRefunded = "partially_refunded";

    /// <summary>Everything captured was given back.</summary>
    public const string Refunded = "refunded";

    /// <summary>The order was cancelled before it was charged: it never will be.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>
/// The one payment of an order (a unique index on <see cref="OrderId"/>): the amount due from OrderCreated, the
/// charge state, and the outcome. A row may start from StockReserved before its OrderCreated arrives.
/// </summary>
public sealed class Payment
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid UserId { get; set; }
    public Guid PaymentMethodId { get; set; }
    /// <summary>ISO 4217, upper case.</summary>
    public string Currency { get; set; } = "";
    public decimal Amount { get; set; }
    public string? CustomerEmail { get; set; }
    public required string Status { get; set; }
    /// <summary>When OrderCreated recorded the amount due; null until then.</summary>
    public DateTimeOffset? OrderReceivedAt { get; set; }
    /// <summary>When StockReserved arrived; null until then.</summary>
    public DateTimeOffset? StockReservedAt { get; set; }
    /// <summary>The key every send of this charge carries (derived from the order), stored before the first send.</summary>
    public string? IdempotencyKey { get; set; }
    /// <summary>While <see cref="PaymentStatus.Charging"/>: no instance sends again before this (a lease, or the next retry's time).</summary>
    public DateTimeOffset? ChargeDueAt { get; set; }
    /// <summary>When the first send was claimed: retries end after <c>Payment:Charges:GiveUpSeconds</c> from here.</summary>
    public DateTimeOffset? ChargeStartedAt { get; set; }
    public string? ProviderPaymentIntentId { get; set; }
    public string? ProviderChargeId { get; set; }
    public decimal AmountCaptured { get; set; }
    public decimal AmountRefunded { get; set; }
    /// <summary>One of <see cref="Provider.ReasonCodes"/> when <see cref="PaymentStatus.Failed"/>.</summary>
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<PaymentShare> Shares { get; set; } = [];
    public List<PaymentAttempt> Attempts { get; set; } = [];
    public List<Refund> Refunds { get; set; } = [];
    /// <summary>The order's lines (from OrderCreated), so refunds can name them.</summary>
    public List<PaymentLine> Lines { get; set; } = [];
    /// <summary>Raised with every refund recorded: two refunds decided at once cannot both pass the "what is left" check.</summary>
    public int RefundVersion { get; set; }
    /// <summary>Set when the order was cancelled while its charge was in flight: once it succeeds, it is refunded.</summary>
    public string? RefundOnCapture { get; set; }
}

/// <summary>Money given back for a payment: stored (pending) before it is sent, under its own idempotency key.</summary>
public sealed class Refund
{
    public Guid Id { get; set; }
    public Guid PaymentId { get; set; }
    public decimal Amount { get; set; }
    public required string Reason { get; set; }
    /// <summary><c>pending</c> (to send or being sent), <c>succeeded</c>.</summary>
    public required string Status { get; set; }
    public string? ProviderRefundId { get; set; }
    /// <summary>The shop whose share it gives back; null for a refund of the whole payment.</summary>
    public Guid? ShopId { get; set; }
    /// <summary>Who asked for it through the API (with <see cref="RequestKey"/>, their Idempotency-Key, unique per caller).</summary>
    public Guid? RequestedBy { get; set; }
    public string? RequestKey { get; set; }
    /// <summary>A hash of the request the key came with: the same key with another request is refused.</summary>
    public string? RequestHash { get; set; }
    /// <summary>No instance sends it before this (a lease, or the next retry's time).</summary>
    public DateTimeOffset? DueAt { get; set; }
    public int Tries { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SucceededAt { get; set; }
}

/// <summary>What one shop's lines add up to within a payment (per-shop split for refunds and payouts).</summary>
public sealed class PaymentShare
{
    public Guid PaymentId { get; set; }
    public Guid ShopId { get; set; }
    public decimal Amount { get; set; }
}

/// <summary>One order line as payment-service needs it for refunds: its shop and what it cost (unit price times quantity).</summary>
public sealed class PaymentLine
{
    public Guid PaymentId { get; set; }
    public Guid LineId { get; set; }
    public Guid ShopId { get; set; }
    public decimal Amount { get; set; }
    /// <summary>The refund that gave it back; a line is refunded at most once.</summary>
    public Guid? RefundId { get; set; }
}

/// <summary>The local copy of a shop's owner (from shop.events), so a refund can be checked without calling shop-service.</summary>
public sealed class ShopOwner
{
    public Guid ShopId { get; set; }
    public Guid OwnerId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One call to the provider for a payment's charge, and what came of it.</summary>
public sealed class PaymentAttempt
{
    public Guid Id { get; set; }
    public Guid PaymentId { get; set; }
    public int Number { get; set; }
    public required string IdempotencyKey { get; set; }
    /// <summary><c>succeeded</c>, <c>processing</c>, <c>declined</c>, <c>error</c> (a permanent refusal) or <c>unknown</c> (timeout, 5xx, ...: retried).</summary>
    public required string Outcome { get; set; }
    public string? Reason { get; set; }
    public string? ProviderPaymentIntentId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A provider event already handled (its id), so a replayed or redelivered webhook changes nothing.</summary>
public sealed class WebhookEvent
{
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
