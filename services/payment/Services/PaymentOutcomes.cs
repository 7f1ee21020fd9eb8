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

    /// <summary>A refund to send (stored before it is sent, so it cannot be forgotten); raises the payment's refund version.</summary>
    public static Refund AddRefund(Data.Payment payment, decimal amount, string reason, DateTimeOffset now, Guid? shopId = null)
    {
        var refund = new Refund
        {
            Id = Guid.CreateVersion7(now),
            PaymentId = payment.Id,
            Amount = amount,
            Reason = reason.Length > 500 ? reason[..500] : reason,
            Status = RefundStatus.Pending,
            ShopId = shopId,
            CreatedAt = now,
        };
        payment.Refunds.Add(refund);
        payment.RefundVersion++;
        payment.UpdatedAt = now;
        return refund;
    }

    /// <summary>What is still refundable: captured less every refund not refused (pending ones included). Needs <see cref="Data.Payment.Refunds"/>.</summary>
    public static decimal LeftToRefund(Data.Payment payment) =>
        payment.AmountCaptured - payment.Refunds.Where(r => r.Status != RefundStatus.Failed).Sum(r => r.Amount);

    /// <summary>What is still refundable of one shop's share (never more than of the whole payment).</summary>
    public static decimal LeftToRefund(Data.Payment payment, Guid shopId) => Math.Min(LeftToRefund(payment),
        payment.Shares.Where(s => s.ShopId == shopId).Sum(s => s.Amount)
        - payment.Refunds.Where(r => r.ShopId == shopId && r.Status != RefundStatus.Failed).Sum(r => r.Amount));

    /// <summary>A refund the provider confirmed: the payment's refunded amount and status follow, and PaymentRefunded is returned.</summary>
    public static PaymentRefunded RefundSucceeded(Data.Payment payment, Refund refund, string providerRefundId, DateTimeOffset now)
    {
        refund.ProviderRefundId = providerRefundId;
        refund.Status = RefundStatus.Succeeded;
        refund.SucceededAt = now;
        refund.DueAt = null;
        payment.AmountRefunded += refund.Amount;
        payment.Status = payment.AmountRefunded >= payment.AmountCaptured ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        payment.UpdatedAt = now;
        return new PaymentRefunded(payment.Id, refund.Id, payment.OrderId, payment.UserId, new Money(refund.Amount, payment.Currency), refund.Reason,
            payment.CustomerEmail)
        { OccurredAt = now };
    }

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
