using EStore.Payment.Data;
using EStore.Payment.Provider;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;

namespace EStore.Payment.Services;

/// <summary>
/// The provider's events (<c>POST /api/payments/webhooks/provider</c>) for outcomes that settle later. The signature
/// (<c>Stripe-Signature</c>, HMAC-SHA256 with <c>Payment:Provider:WebhookSecret</c>, 5 minutes' tolerance on our clock)
/// is checked by Stripe.net; an event id already handled is ignored; an event about a payment that is already final
/// (late or out of order) changes nothing. Anything else is acknowledged too, so the provider stops resending it.
/// </summary>
public sealed class WebhookService(PaymentDbContext db, IEventOutbox outbox, IOptions<ProviderOptions> provider, PaymentProvider client,
    TimeProvider time, ILogger<WebhookService> logger)
{
    private const long ToleranceSeconds = 300;

    public async Task<Result> HandleAsync(string body, string? signature, CancellationToken cancellationToken)
    {
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, signature ?? "", provider.Value.WebhookSecret!, ToleranceSeconds,
                time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception exception) when (exception is StripeException or ArgumentException or FormatException or Newtonsoft.Json.JsonException)
        {
            logger.LogWarning("A provider webhook was refused: {Error}.", exception.GetType().Name);
            return Error.BadRequest("The webhook's signature or body is invalid.");
        }

        // The charge worker may write the same payment at the same moment (its lease, its attempts): then start over
        // on fresh rows, a few times, before asking the provider to send the event again.
        for (var round = 0; round < 3; round++)
        {
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow();
            if (await db.WebhookEvents.AnyAsync(w => w.EventId == stripeEvent.Id, cancellationToken))
            {
                return Result.Success;
            }
            db.WebhookEvents.Add(new WebhookEvent { EventId = stripeEvent.Id, Type = stripeEvent.Type, ReceivedAt = now });
            if (stripeEvent.Data?.Object is PaymentIntent intent && stripeEvent.Type is "payment_intent.succeeded" or "payment_intent.payment_failed")
            {
                await ApplyAsync(intent, now, cancellationToken);
            }
            else if (stripeEvent.Data?.Object is Charge charge && stripeEvent.Type == "charge.refunded"
                     && await ApplyRefundedAsync(charge, now, cancellationToken) is { } unreachable)
            {
                return unreachable;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return Result.Success;
            }
            catch (DbUpdateException)
            {
                // A concurrent delivery of the same event, or the worker's write: the next round sees which.
            }
        }
        return Error.Conflict("The payment changed meanwhile; send the event again.");
    }

    /// <summary>
    /// <c>charge.refunded</c>: refunds made at the provider itself (its dashboard, say) are recorded once each, by the
    /// provider's refund id, with <c>PaymentRefunded</c>, and the payment's status follows. The event's charge does not
    /// list its refunds (Stripe leaves them out unless expanded), so they are listed at the provider; ours (metadata
    /// <c>refund_id</c>) are left to the charge worker, which records them when the provider answers it.
    /// </summary>
    private async Task<Error?> ApplyRefundedAsync(Charge charge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.Include(p => p.Refunds)
            .SingleOrDefaultAsync(p => p.ProviderChargeId == charge.Id || (charge.PaymentIntentId != null && p.ProviderPaymentIntentId == charge.PaymentIntentId),
                cancellationToken);
        if (payment is not { Status: PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded })
        {
            return null;
        }
        IReadOnlyList<ProviderRefund> refunds;
        try
        {
            refunds = await client.ListRefundsAsync(charge.Id, cancellationToken);
        }
        catch (Exception exception) when (ProviderErrors.Map(exception, cancellationToken) is not null)
        {
            // Not acknowledged: the provider sends the event again later.
            logger.LogWarning("charge.refunded for order {OrderId}: the provider's refunds could not be read ({Error}).", payment.OrderId, exception.GetType().Name);
            return Error.Unavailable("The provider could not be asked for the charge's refunds; send the event again.");
        }
        var known = payment.Refunds.Select(r => r.ProviderRefundId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var ours = payment.Refunds.Select(r => r.Id).ToHashSet();
        foreach (var made in refunds.Where(r => r.Status == "succeeded" && !known.Contains(r.Id) && !(r.OurRefundId is { } id && ours.Contains(id)))
                     .Reverse())
        {
            var refund = PaymentOutcomes.AddRefund(payment, MinorUnits.FromMinor(made.Amount, payment.Currency), "refunded at the payment provider", now);
            outbox.Add(PaymentOutcomes.RefundSucceeded(payment, refund, made.Id, now));
        }
        return null;
    }

    private async Task ApplyAsync(PaymentIntent intent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orderId = intent.Metadata?.GetValueOrDefault("order_id") is { } text && Guid.TryParse(text, out var parsed) ? parsed : (Guid?)null;
        var payment = await db.Payments.Include(p => p.Attempts)
            .SingleOrDefaultAsync(p => p.ProviderPaymentIntentId == intent.Id || (orderId != null && p.OrderId == orderId), cancellationToken);
        if (payment is null || payment.Status != PaymentStatus.Charging)
        {
            // Unknown, or already final: a late or out-of-order event changes nothing.
            return;
        }
        var reason = intent.LastPaymentError is { } error ? ProviderErrors.CardReason(error.Code, error.DeclineCode) : null;
        var settled = PaymentOutcomes.Settle(payment, new ChargeResult(intent.Id, intent.Status, intent.LatestChargeId, intent.AmountReceived), now, reason);
        if (settled is null)
        {
            return;
        }
        PaymentOutcomes.AddAttempt(payment, intent.Status == "succeeded" ? "succeeded" : "declined", payment.FailureReason, intent.Id, now);
        outbox.Add(settled);
    }
}
