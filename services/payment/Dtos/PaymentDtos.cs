namespace EStore.Payment.Dtos;

/// <summary>A saved payment method as its owner sees it: never the number or CVC.</summary>
public sealed record PaymentMethodDto(Guid Id, string PaymentType, string Brand, string Last4, int ExpiryMonth, int ExpiryYear,
    Guid? BillingAddressId, bool IsDefault, DateTimeOffset CreatedAt);

/// <summary>One call to the provider for a payment.</summary>
public sealed record PaymentAttemptDto(int Number, string Outcome, string? Reason, DateTimeOffset At);

/// <summary>What one shop's lines come to within a payment.</summary>
public sealed record PaymentShareDto(Guid ShopId, decimal Amount);

/// <summary>An order's payment with its attempts.</summary>
public sealed record PaymentDto(Guid Id, Guid OrderId, Guid UserId, string Status, decimal Amount, string Currency,
    decimal AmountCaptured, decimal AmountRefunded, string? FailureReason, Guid PaymentMethodId,
    IReadOnlyList<PaymentShareDto> Shares, IReadOnlyList<PaymentAttemptDto> Attempts, IReadOnlyList<RefundDto> Refunds,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Money given back for a payment: <c>pending</c> until the provider confirms it, then <c>succeeded</c> (or <c>failed</c>).</summary>
public sealed record RefundDto(Guid Id, decimal Amount, string Status, string Reason, Guid? ShopId, DateTimeOffset CreatedAt, DateTimeOffset? SucceededAt);

/// <summary>One page of a listing.</summary>
public sealed record PaymentPage<T>(IReadOnlyList<T> Items, int Page, int Size, int Total);
