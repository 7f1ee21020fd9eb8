using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Provider;

namespace EStore.Payment.Services;

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
                return new PaymentSucceeded(payment.Id, payment.OrderId, payment.UserId, new Money(payment.Amount, payment.Currency),
                    result.ChargeId ?? result.PaymentIntentId, payment.CustomerEmail) { OccurredAt = now };
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
