using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Provider;

namespace EStore.Payment.Services;

/// <summary>Where a refund stands.</summary>
public static class RefundStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    /// <summary>The provider refused it (more than is left, say): logged for an operator.</summary>
    public const string Failed = "failed";
}

/// <summary>
/// The one place a payment becomes succeeded or failed, whoever learnt the outcome (the charge worker from the
/// provider's answer, the webhook from the provider's event): state, amounts and the event to publish.
/// </summary>
public static class PaymentOutcomes
{
    /// <summary>
    /// Applies a PaymentIntent's final status; null (and nothing changed) while it is still open (<c>processing</c>).
    /// </summary>
    public static IIntegrationEvent? Settle(Data.Payment payment, ChargeResult result, DateTimeOffset now, string? declineReason = null)
    {
        payment.ProviderPaymentIntentId = result.PaymentIntentId;
        switch (result.Status)
        {
            case "succeeded":
                payment.Status = PaymentStatus.Succeeded;
                payment.ProviderChargeId = result.ChargeId;
                payment.AmountCaptured = MinorUnits.FromMinor(result.AmountReceived, payment.Currency);
                payment.FailureReason = null;
                payment.ChargeDueAt = null;
                payment.UpdatedAt = now;
                if (payment.RefundOnCapture is { } reason)
                {
                    // Cancelled while the charge was in flight: the money goes back at once.
                    AddRefund(payment, payment.AmountCaptured, reason, now);
                    payment.RefundOnCapture = null;
                }
                return new PaymentSucceeded(payment.Id, payment.OrderId, payment.UserId, new Money(payment.Amount, payment.Currency),
                    result.ChargeId ?? result.PaymentIntentId, payment.CustomerEmail)
                { OccurredAt = now };
            case "requires_payment_method" or "canceled":
                return Fail(payment, declineReason ?? ReasonCodes.Declined, result.PaymentIntentId, now);
            default:
                return null;
        }
    }

    public static PaymentFailed Fail(Data.Payment payment, string reason, string? paymentIntentId, DateTimeOffset now)
    {
        payment.Status = PaymentStatus.Failed;
        payment.FailureReason = reason;
        payment.ChargeDueAt = null;
        payment.ProviderPaymentIntentId ??= paymentIntentId;
        payment.UpdatedAt = now;
        return new PaymentFailed(payment.Id, payment.OrderId, payment.UserId, new Money(payment.Amount, payment.Currency), reason, payment.CustomerEmail)
        {
            OccurredAt = now,
        };
    }

    /// <summary>A refund to send (stored before it is sent, so it cannot be forgotten).</summary>
    public static void AddRefund(Data.Payment payment, decimal amount, string reason, DateTimeOffset now) =>
        payment.Refunds.Add(new Refund
        {
            Id = Guid.CreateVersion7(now),
            PaymentId = payment.Id,
            Amount = amount,
            Reason = reason.Length > 500 ? reason[..500] : reason,
            Status = RefundStatus.Pending,
            CreatedAt = now,
        });

    /// <summary>Records what one contact with the provider (a call or an event) came to.</summary>
    public static void AddAttempt(Data.Payment payment, string outcome, string? reason, string? paymentIntentId, DateTimeOffset now)
    {
        payment.Attempts.Add(new PaymentAttempt
        {
            Id = Guid.CreateVersion7(now),
            PaymentId = payment.Id,
            Number = payment.Attempts.Count + 1,
            IdempotencyKey = payment.IdempotencyKey ?? "",
            Outcome = outcome,
            Reason = reason,
            ProviderPaymentIntentId = paymentIntentId,
            At = now,
        });
        payment.UpdatedAt = now;
    }
}
