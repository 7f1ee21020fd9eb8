using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Provider;
using EStore.Payment.Services;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary>
/// Saga step 3: OrderCreated records the amount due, StockReserved makes it chargeable, the order is charged once at
/// the provider and PaymentSucceeded or PaymentFailed leaves through the outbox, whatever the provider or the bus does.
/// </summary>
public sealed class ChargeTests(PaymentStack stack) : IClassFixture<PaymentStack>
{
    [Fact]
    public async Task OrderCreated_then_StockReserved_charges_once_with_the_exact_request_and_publishes_PaymentSucceeded()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method, 19.99m, 5.01m);

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        var succeeded = stack.ConsumeEvent<PaymentSucceeded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal((user, new Money(25.00m, "EUR"), "ada@example.test"), (succeeded.UserId, succeeded.Amount, succeeded.CustomerEmail));
        Assert.StartsWith("ch_", succeeded.ProviderReference, StringComparison.Ordinal);
        var request = Assert.Single(stack.Provider.ChargeRequests(order.OrderId));
        var providerToken = await stack.QueryAsync(db => db.PaymentMethods.Where(m => m.Id == method).Select(m => m.ProviderToken).SingleAsync());
        var customer = await stack.QueryAsync(db => db.Customers.Where(c => c.UserId == user).Select(c => c.CustomerId).SingleAsync());
        Assert.Equal("2500", request.Form["amount"]);
        Assert.Equal("eur", request.Form["currency"]);
        Assert.Equal(customer, request.Form["customer"]);
        Assert.Equal(providerToken, request.Form["payment_method"]);
        Assert.Equal(("true", "true"), (request.Form["confirm"], request.Form["off_session"]));
        Assert.Equal(ChargeWorker.KeyFor(order.OrderId), request.Header("Idempotency-Key"));
        Assert.Equal($"Bearer {StripeMock.ApiKey}", request.Header("Authorization"));
        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal((PaymentStatus.Succeeded, 25.00m), (payment.Status, payment.AmountCaptured));
        var shares = await stack.QueryAsync(db => db.Set<PaymentShare>().Where(s => s.PaymentId == payment.Id).OrderBy(s => s.ShopId).ToListAsync());
        Assert.Equal([(PaymentStack.ShopA, 19.99m), (PaymentStack.ShopB, 5.01m)], shares.Select(s => (s.ShopId, s.Amount)));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
    }

    [Fact]
    public async Task StockReserved_arriving_before_OrderCreated_still_charges_once_both_are_there()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);

        await stack.PublishAsync(PaymentStack.Reserved(order.OrderId));
        await Eventually.TrueAsync(() => stack.QueryAsync(db => db.Payments.AnyAsync(p => p.OrderId == order.OrderId)), "the early StockReserved recorded");
        Assert.Empty(stack.Provider.ChargeRequests(order.OrderId));
        await stack.PublishAsync(order);

        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Single(stack.Provider.ChargeRequests(order.OrderId));
        Assert.Equal(1, stack.Provider.Charges(order.OrderId));
    }

    [Fact]
    public async Task Redelivered_StockReserved_charges_once()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        var reserved = PaymentStack.Reserved(order.OrderId);

        // The same event twice (a redelivery) and a second StockReserved for the same order (a new event id).
        await stack.PublishAsync(order, reserved, reserved, PaymentStack.Reserved(order.OrderId));
        await stack.SettledAsync(order.OrderId);
        await stack.PublishAsync(PaymentStack.Reserved(order.OrderId));
        await Task.Delay(1000);

        Assert.Single(stack.Provider.ChargeRequests(order.OrderId));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
    }

    [Fact]
    public async Task Two_instances_working_the_same_orders_charge_each_once()
    {
        await using var second = stack.SecondInstance();
        var orders = new List<OrderCreated>();
        for (var i = 0; i < 6; i++)
        {
            var (user, method) = await CustomerWithCardAsync();
            orders.Add(PaymentStack.Order(user, method));
        }

        await stack.PublishAsync([.. orders.SelectMany(o => new IntegrationEvent[] { o, PaymentStack.Reserved(o.OrderId) })]);

        foreach (var order in orders)
        {
            Assert.Equal(PaymentStatus.Succeeded, (await stack.SettledAsync(order.OrderId)).Status);
        }
        await Task.Delay(1000);
        Assert.All(orders, o => Assert.Single(stack.Provider.ChargeRequests(o.OrderId)));
        foreach (var order in orders)
        {
            Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
        }
    }

    [Theory]
    [InlineData("4000000000000002", ReasonCodes.Declined)]
    [InlineData("4000000000009995", ReasonCodes.InsufficientFunds)]
    [InlineData("4000000000000119", ReasonCodes.ProcessingError)]
    public async Task A_decline_publishes_PaymentFailed_with_the_reason_and_is_not_retried(string card, string reason)
    {
        var (user, method) = await CustomerWithCardAsync(card);
        var order = PaymentStack.Order(user, method);

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        var failed = stack.ConsumeEvent<PaymentFailed>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal(reason, failed.Reason);
        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal((PaymentStatus.Failed, reason), (payment.Status, payment.FailureReason));
        Assert.Single(stack.Provider.ChargeRequests(order.OrderId));
        Assert.Equal(0, stack.Provider.Charges(order.OrderId));
    }

    [Fact]
    public async Task An_order_naming_a_card_that_is_not_the_customers_fails_without_calling_the_provider()
    {
        var (_, someoneElsesCard) = await CustomerWithCardAsync();
        var (user, _) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, someoneElsesCard);

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal((PaymentStatus.Failed, ReasonCodes.PaymentMethodMissing), (payment.Status, payment.FailureReason));
        Assert.Empty(stack.Provider.ChargeRequests(order.OrderId));
    }

    public static TheoryData<string> Faults => ["500", "timeout", "malformed", "reset"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_provider_fault_is_not_a_decline_the_retry_carries_the_same_key_and_the_order_is_charged_once(string fault)
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        stack.Provider.FailCharges(order.OrderId, fault switch
        {
            "500" => ProviderFault.ServerError,
            // The provider charges but answers after the 2 s client timeout: the retry gets the stored answer.
            "timeout" => ProviderFault.SlowAnswer(TimeSpan.FromSeconds(4)),
            "malformed" => ProviderFault.MalformedBody,
            _ => ProviderFault.ConnectionReset,
        });

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        var requests = stack.Provider.ChargeRequests(order.OrderId);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(ChargeWorker.KeyFor(order.OrderId), r.Header("Idempotency-Key")));
        Assert.Equal(1, stack.Provider.Charges(order.OrderId));
        Assert.Equal(["unknown", "succeeded"], payment.Attempts.OrderBy(a => a.Number).Select(a => a.Outcome));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
        Assert.Equal(0, await stack.OutboxCountAsync(nameof(PaymentFailed), order.OrderId));
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        stack.Provider.FailCharges(order.OrderId, ProviderFault.TooManyRequests(retryAfterSeconds: 2));

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        Assert.Equal(PaymentStatus.Succeeded, (await stack.SettledAsync(order.OrderId)).Status);
        var requests = stack.Provider.ChargeRequests(order.OrderId);
        Assert.Equal(2, requests.Count);
        // The usual first backoff here is 200 ms; the provider asked for 2 s.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_provider_down_past_the_give_up_time_fails_with_provider_unavailable()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        stack.Provider.FailCharges(order.OrderId, [.. Enumerable.Repeat(ProviderFault.ServerError, 100)]);

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        var failed = stack.ConsumeEvent<PaymentFailed>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(40));
        Assert.Equal(ReasonCodes.ProviderUnavailable, failed.Reason);
        var payment = await stack.SettledAsync(order.OrderId);
        Assert.True(payment.Attempts.Count >= 3, $"{payment.Attempts.Count} attempts");
        // Before giving up it asked the provider whether any send had taken the money.
        Assert.Contains(stack.Provider.Requests, r => r.Path == "/v1/payment_intents/search");
        Assert.Equal(0, stack.Provider.Charges(order.OrderId));
    }

    [Fact]
    public async Task Giving_up_after_a_charge_the_provider_took_but_never_answered_records_the_success()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        // The first send charges but its answer never arrives in time; every later send fails until the give-up.
        stack.Provider.FailCharges(order.OrderId, [ProviderFault.SlowAnswer(TimeSpan.FromSeconds(4)), .. Enumerable.Repeat(ProviderFault.ServerError, 100)]);

        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));

        var succeeded = stack.ConsumeEvent<PaymentSucceeded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(40));
        Assert.StartsWith("ch_", succeeded.ProviderReference, StringComparison.Ordinal);
        Assert.Equal(1, stack.Provider.Charges(order.OrderId));
        Assert.Equal(0, await stack.OutboxCountAsync(nameof(PaymentFailed), order.OrderId));
    }

    [Fact]
    public async Task OrderCancelled_after_the_capture_refunds_it_in_full_once_and_publishes_PaymentRefunded()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        var payment = await stack.SettledAsync(order.OrderId);
        var cancelled = new OrderCancelled(order.OrderId, user, CancelledBy.Customer, "changed my mind") { OccurredAt = DateTimeOffset.UtcNow };

        await stack.PublishAsync(cancelled, cancelled, new OrderCancelled(order.OrderId, user, CancelledBy.Customer, "again") { OccurredAt = DateTimeOffset.UtcNow });

        var refunded = stack.ConsumeEvent<PaymentRefunded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal((payment.Id, new Money(25.00m, "EUR"), "changed my mind"), (refunded.PaymentId, refunded.Amount, refunded.Reason));
        await Task.Delay(1000);
        var request = Assert.Single(stack.Provider.Requests, r => r.Path == "/v1/refunds" && r.Form.GetValueOrDefault("metadata[order_id]") == order.OrderId.ToString());
        Assert.Equal((payment.ProviderPaymentIntentId, "2500", "requested_by_customer"), (request.Form["payment_intent"], request.Form["amount"], request.Form["reason"]));
        Assert.Equal($"estore-refund-{refunded.RefundId:N}", request.Header("Idempotency-Key"));
        var after = await stack.QueryAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.OrderId));
        Assert.Equal((PaymentStatus.Refunded, 25.00m), (after.Status, after.AmountRefunded));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentRefunded), order.OrderId));
    }

    [Fact]
    public async Task An_order_cancelled_while_its_charge_is_in_flight_is_refunded_once_the_charge_succeeds()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);
        stack.Provider.FailCharges(order.OrderId, ProviderFault.SlowAnswer(TimeSpan.FromSeconds(1.5)));
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        // At least one: on a loaded machine the slow answer can outlast the provider timeout and the charge is resent.
        await Eventually.TrueAsync(() => stack.Provider.ChargeRequests(order.OrderId).Count >= 1, "the charge sent", TimeSpan.FromSeconds(40));

        await stack.PublishAsync(new OrderCancelled(order.OrderId, user, CancelledBy.Customer, "too slow") { OccurredAt = DateTimeOffset.UtcNow });

        var refunded = stack.ConsumeEvent<PaymentRefunded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal(new Money(25.00m, "EUR"), refunded.Amount);
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
        Assert.Equal(1, stack.Provider.Charges(order.OrderId));
    }

    [Fact]
    public async Task An_order_cancelled_before_its_charge_is_never_charged()
    {
        var (user, method) = await CustomerWithCardAsync();
        var order = PaymentStack.Order(user, method);

        await stack.PublishAsync(order, new OrderCancelled(order.OrderId, user, CancelledBy.Admin, "fraud check") { OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.TrueAsync(() => stack.QueryAsync(db => db.Payments.AnyAsync(p => p.OrderId == order.OrderId && p.Status == PaymentStatus.Cancelled)),
            "the payment cancelled");
        await stack.PublishAsync(PaymentStack.Reserved(order.OrderId));
        await Task.Delay(1500);

        Assert.Empty(stack.Provider.ChargeRequests(order.OrderId));
        Assert.Equal(PaymentStatus.Cancelled, await stack.QueryAsync(db => db.Payments.Where(p => p.OrderId == order.OrderId).Select(p => p.Status).SingleAsync()));
    }

    private async Task<(Guid User, Guid Method)> CustomerWithCardAsync(string card = "4242424242424242")
    {
        var (user, token) = stack.Customer();
        var method = await stack.AddCardAsync(token, card);
        return (user, method.GetProperty("id").GetGuid());
    }
}
