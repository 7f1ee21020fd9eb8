using System.Collections.Concurrent;
using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Provider;
using EStore.Platform.Hosting;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Payment.Services;

/// <summary>
/// Charges each order once, on every instance at once without double charges:
/// <list type="number">
/// <item>a payment whose order and stock are both there is claimed by one conditional UPDATE (status
/// <c>charging</c>, the idempotency key derived from the order, a lease), committed before anything is sent, so a
/// redelivered event, another instance or a restart sees it;</item>
/// <item>the PaymentIntent is created and confirmed under that key; its outcome, the attempt and the
/// <c>PaymentSucceeded</c>/<c>PaymentFailed</c> outbox row are saved in one transaction, guarded by the lease value
/// so an instance that lost its lease stores nothing;</item>
/// <item>an unknown outcome (timeout, 5xx, 429, reset, unreadable body) is retried with the same key after a backoff
/// (the provider's <c>Retry-After</c> when longer); after <c>Payment:Charges:GiveUpSeconds</c> the provider is asked
/// for the order's PaymentIntent by metadata, and only when it has none that succeeded does the payment fail with
/// <c>provider_unavailable</c>;</item>
/// <item>a charge left in <c>charging</c> by a crash is taken over when its lease ends and sent again with the same
/// key (the provider answers the stored outcome), or, when the PaymentIntent is known, retrieved.</item>
/// </list>
/// Each instance works up to <c>Payment:Charges:Concurrency</c> charges at once, each claimed on its own and worked in
/// its own scope (its own DbContext); a payment under way on this instance is never claimed again here, and a slot
/// that frees up is filled at once. Stopping cancels the provider calls under way and waits for them to end: what was
/// not stored stays claimed for the takeover above.
/// </summary>
public sealed class ChargeWorker(IServiceScopeFactory scopes, IOptions<ChargeOptions> settings, IOptions<ProviderOptions> provider,
    TimeProvider time, ILogger<ChargeWorker> logger) : BackgroundService
{
    /// <summary>The key every send of an order's charge carries; Stripe keeps keys 24 hours.</summary>
    public static string KeyFor(Guid orderId) => $"estore-order-{orderId:N}-charge-1";

    // One permit per charge this instance may have under way at once (Payment:Charges:Concurrency).
    private readonly SemaphoreSlim _slots = new(settings.Value.Concurrency, settings.Value.Concurrency);

    // The payments this instance is charging now (claimed, not yet stored): never worked twice at once here, even when
    // a lease ends while its charge is still under way.
    private readonly ConcurrentDictionary<Guid, byte> _charging = new();

    // A charge finished: its slot is filled at once rather than at the next poll.
    private readonly WakeSignal _slotFreed = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Value.Enabled)
        {
            return;
        }
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    // A database hiccup: what was claimed stays claimed and is taken over when its lease ends.
                    logger.LogError(exception, "Charging round failed; trying again.");
                }
                await _slotFreed.WaitAsync(TimeSpan.FromMilliseconds(settings.Value.PollIntervalMs), stoppingToken)
                    .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        finally
        {
            // Stopping: the charges under way see the cancellation (a provider call is abandoned, nothing more is stored)
            // and end before the host disposes what they use. One whose outcome was not stored stays claimed and is
            // taken over, with the same key, when its lease ends.
            for (var slot = 0; slot < settings.Value.Concurrency; slot++)
            {
                await _slots.WaitAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Sends the refunds due now, then claims payments due now into this instance's free charging slots and starts
    /// their charges, each in its own scope (its own <see cref="PaymentDbContext"/>); returns how many it worked or
    /// started. The charges run on after it returns.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var worked = await RefundDueAsync(now, cancellationToken);
        if (_slots.CurrentCount == 0)
        {
            return worked;
        }
        List<(Guid Id, Guid OrderId, string Status, DateTimeOffset? Due)> due;
        var busy = _charging.Keys.ToList();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
            due = [.. (await db.Payments.AsNoTracking()
                .Where(p => (p.Status == PaymentStatus.Pending && p.OrderReceivedAt != null && p.StockReservedAt != null)
                    || (p.Status == PaymentStatus.Charging && p.ChargeDueAt <= now))
                .Where(p => !busy.Contains(p.Id))
                .OrderBy(p => p.CreatedAt).Take(50)
                .Select(p => new { p.Id, p.OrderId, p.Status, p.ChargeDueAt })
                .ToListAsync(cancellationToken)).Select(p => (p.Id, p.OrderId, p.Status, p.ChargeDueAt))];
        }
        foreach (var (id, orderId, status, dueAt) in due)
        {
            if (!_slots.Wait(0))
            {
                break;
            }
            var started = false;
            var scope = scopes.CreateAsyncScope();
            try
            {
                var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
                // Another instance may have claimed it since the query: the conditional UPDATE lets only one through.
                if (_charging.TryAdd(id, 0) && await ClaimAsync(db, id, orderId, status, dueAt, cancellationToken))
                {
                    _ = Task.Run(() => ChargeClaimedAsync(scope, db, id, cancellationToken), CancellationToken.None);
                    started = true;
                    worked++;
                }
            }
            finally
            {
                if (!started)
                {
                    _charging.TryRemove(id, out _);
                    _slots.Release();
                    await scope.DisposeAsync();
                }
            }
        }
        return worked;
    }

    // One claimed charge, in the claim's scope; it never throws: a failure leaves the payment claimed, and it is taken
    // over when its lease ends.
    private async Task ChargeClaimedAsync(AsyncServiceScope scope, PaymentDbContext db, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await ChargeAsync(scope.ServiceProvider, db, id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Charge of payment {PaymentId}: stopped with the instance; it is taken over when its lease ends.", id);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Charge of payment {PaymentId} failed; it is taken over when its lease ends.", id);
        }
        finally
        {
            await scope.DisposeAsync();
            _charging.TryRemove(id, out _);
            _slots.Release();
            _slotFreed.Wake();
        }
    }

    // Refunds stored by OrderCancelled (or a cancelled in-flight charge), sent under their own key, retried until
    // the provider answers: money owed back is never dropped.
    private async Task<int> RefundDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<(Guid Id, DateTimeOffset? Due)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
            due = [.. (await db.Refunds.AsNoTracking().Where(r => r.Status == RefundStatus.Pending && (r.DueAt == null || r.DueAt <= now))
                .OrderBy(r => r.CreatedAt).Take(50).Select(r => new { r.Id, r.DueAt }).ToListAsync(cancellationToken)).Select(r => (r.Id, r.DueAt))];
        }
        var worked = 0;
        foreach (var (id, dueAt) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
            var lease = time.GetUtcNow() + TimeSpan.FromSeconds(provider.Value.TimeoutSeconds + settings.Value.LeaseSeconds);
            if (await db.Refunds.Where(r => r.Id == id && r.Status == RefundStatus.Pending && r.DueAt == dueAt)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, lease), cancellationToken) == 1)
            {
                worked++;
                await SendRefundAsync(scope.ServiceProvider, db, id, cancellationToken);
            }
        }
        return worked;
    }

    private async Task SendRefundAsync(IServiceProvider services, PaymentDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var refund = await db.Refunds.SingleAsync(r => r.Id == id, cancellationToken);
        var payment = await db.Payments.SingleAsync(p => p.Id == refund.PaymentId, cancellationToken);
        var now = time.GetUtcNow();
        refund.Tries++;
        try
        {
            var providerRefundId = await services.GetRequiredService<PaymentProvider>().RefundAsync(payment.ProviderPaymentIntentId!,
                MinorUnits.ToMinor(refund.Amount, payment.Currency) ?? 0, payment.OrderId, refund.Id, $"estore-refund-{refund.Id:N}", cancellationToken);
            services.GetRequiredService<IEventOutbox>().Add(PaymentOutcomes.RefundSucceeded(payment, refund, providerRefundId, now));
        }
        catch (Exception exception) when (ProviderErrors.Map(exception, cancellationToken) is { } failure)
        {
            if (failure.IsTransient)
            {
                refund.DueAt = now + TimeSpan.FromMilliseconds(Math.Min(settings.Value.MaxBackoffMs, settings.Value.MinBackoffMs * Math.Pow(2, Math.Min(refund.Tries, 20))));
            }
            else
            {
                refund.Status = RefundStatus.Failed;
                refund.DueAt = null;
                logger.LogError("Refund {RefundId} of order {OrderId} was refused by the provider ({Reason}); it needs an operator.", refund.Id, payment.OrderId, failure.Reason);
            }
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Refund {RefundId}: taken over by another instance; it stores the outcome.", refund.Id);
        }
    }

    // Its own statement and so its own transaction: committed before the provider hears of the charge.
    private async Task<bool> ClaimAsync(PaymentDbContext db, Guid id, Guid orderId, string status, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = now + TimeSpan.FromSeconds(provider.Value.TimeoutSeconds + settings.Value.LeaseSeconds);
        var claimed = status == PaymentStatus.Pending
            ? await db.Payments.Where(p => p.Id == id && p.Status == PaymentStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.Status, PaymentStatus.Charging)
                    .SetProperty(p => p.IdempotencyKey, KeyFor(orderId))
                    .SetProperty(p => p.ChargeStartedAt, now)
                    .SetProperty(p => p.ChargeDueAt, lease)
                    .SetProperty(p => p.UpdatedAt, now), cancellationToken)
            : await db.Payments.Where(p => p.Id == id && p.Status == PaymentStatus.Charging && p.ChargeDueAt == dueAt)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ChargeDueAt, lease).SetProperty(p => p.UpdatedAt, now), cancellationToken);
        return claimed == 1;
    }

    private async Task ChargeAsync(IServiceProvider services, PaymentDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.Include(p => p.Attempts).SingleAsync(p => p.Id == id, cancellationToken);
        var key = payment.IdempotencyKey ?? KeyFor(payment.OrderId);
        payment.IdempotencyKey = key;
        var method = await db.PaymentMethods.AsNoTracking()
            .SingleOrDefaultAsync(m => m.Id == payment.PaymentMethodId && m.UserId == payment.UserId, cancellationToken);
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.UserId == payment.UserId, cancellationToken);
        var minor = MinorUnits.ToMinor(payment.Amount, payment.Currency);
        var outbox = services.GetRequiredService<IEventOutbox>();
        if (method is null || customer is null)
        {
            await FinishAsync(db, outbox, payment, Fail(payment, ReasonCodes.PaymentMethodMissing, "error", null), cancellationToken);
            return;
        }
        if (minor is null || !MinorUnits.IsCurrencyCode(payment.Currency))
        {
            await FinishAsync(db, outbox, payment, Fail(payment, ReasonCodes.InvalidAmount, "error", null), cancellationToken);
            return;
        }

        var client = services.GetRequiredService<PaymentProvider>();
        Outcome outcome;
        try
        {
            var result = payment.ProviderPaymentIntentId is { } known
                ? await client.GetPaymentIntentAsync(known, cancellationToken)
                : await client.ChargeAsync(new ChargeRequest(payment.OrderId, minor.Value, payment.Currency, customer.CustomerId, method.ProviderToken, key), cancellationToken);
            outcome = FromIntent(payment, result);
        }
        catch (Exception exception) when (ProviderErrors.Map(exception, cancellationToken) is { } failure)
        {
            outcome = failure.Kind switch
            {
                ProviderFailureKind.Declined => Fail(payment, failure.Reason, "declined", failure.PaymentIntentId),
                ProviderFailureKind.Rejected => Fail(payment, failure.Reason, "error", failure.PaymentIntentId),
                _ => await UnknownAsync(client, payment, failure, exception, cancellationToken),
            };
        }
        await FinishAsync(db, outbox, payment, outcome, cancellationToken);
    }

    private sealed record Outcome(string AttemptOutcome, string? Reason, string? PaymentIntentId, IIntegrationEvent? Event);

    private Outcome FromIntent(Data.Payment payment, ChargeResult result)
    {
        var now = time.GetUtcNow();
        if (PaymentOutcomes.Settle(payment, result, now) is { } settled)
        {
            return new Outcome(result.Status == "succeeded" ? "succeeded" : "declined", payment.FailureReason, result.PaymentIntentId, settled);
        }
        // processing (settles later) and the like: look again after a while (or the webhook settles it), with the PaymentIntent known.
        payment.ChargeDueAt = now + Delay(payment, null);
        return new Outcome("processing", null, result.PaymentIntentId, null);
    }

    private async Task<Outcome> UnknownAsync(PaymentProvider client, Data.Payment payment, ProviderFailure failure, Exception exception, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        logger.LogWarning("Charge of order {OrderId}: no usable answer from the provider ({Error}); the same key is sent again later.",
            payment.OrderId, exception.GetType().Name);
        if (now - (payment.ChargeStartedAt ?? now) < TimeSpan.FromSeconds(settings.Value.GiveUpSeconds))
        {
            payment.ChargeDueAt = now + Delay(payment, failure.RetryAfter);
            return new Outcome("unknown", failure.Reason, null, null);
        }
        // Giving up: first make sure the provider did not take the money under any earlier send.
        try
        {
            if (await client.FindPaymentIntentAsync(payment.OrderId, cancellationToken) is { Status: "succeeded" } found)
            {
                return FromIntent(payment, found);
            }
        }
        catch (Exception search) when (ProviderErrors.Map(search, cancellationToken) is not null)
        {
            logger.LogWarning("Charge of order {OrderId}: the provider could not be searched either ({Error}).", payment.OrderId, search.GetType().Name);
        }
        return Fail(payment, ReasonCodes.ProviderUnavailable, "unknown", null);
    }

    private Outcome Fail(Data.Payment payment, string reason, string attemptOutcome, string? paymentIntentId) =>
        new(attemptOutcome, reason, paymentIntentId, PaymentOutcomes.Fail(payment, reason, paymentIntentId, time.GetUtcNow()));

    // min·2^(n-1) capped at max, n = the attempts so far; the provider's Retry-After when it asks for longer.
    private TimeSpan Delay(Data.Payment payment, TimeSpan? retryAfter)
    {
        var options = settings.Value;
        var backoff = TimeSpan.FromMilliseconds(Math.Min(options.MaxBackoffMs, options.MinBackoffMs * Math.Pow(2, Math.Min(payment.Attempts.Count, 20))));
        return retryAfter is { } asked && asked > backoff ? asked : backoff;
    }

    private async Task FinishAsync(PaymentDbContext db, IEventOutbox outbox, Data.Payment payment, Outcome outcome, CancellationToken cancellationToken)
    {
        PaymentOutcomes.AddAttempt(payment, outcome.AttemptOutcome, outcome.Reason, outcome.PaymentIntentId, time.GetUtcNow());
        if (outcome.Event is { } @event)
        {
            outbox.Add(@event);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance took the charge over (our lease ran out), or a webhook settled it: that one stored the outcome.
            logger.LogWarning("Charge of order {OrderId}: the payment changed before this outcome was stored; the other writer's outcome stands.", payment.OrderId);
        }
    }
}
