using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Services;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary>An instance that stops after sending a charge and before storing its outcome: the charge is not lost and not repeated.</summary>
public sealed class CrashTests(ChargelessPaymentStack stack) : IClassFixture<ChargelessPaymentStack>
{
    [Fact]
    public async Task Stopped_between_sending_a_charge_and_storing_its_result_the_next_instance_finishes_it_with_one_charge()
    {
        var (user, token) = stack.Customer();
        var method = (await stack.AddCardAsync(token)).GetProperty("id").GetGuid();
        var order = PaymentStack.Order(user, method);
        // The provider takes the money at once but answers only after 10 s: the instance is gone by then.
        stack.Provider.FailCharges(order.OrderId, ProviderFault.SlowAnswer(TimeSpan.FromSeconds(10)));
        var first = stack.SecondInstance();
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        // A new instance joins the consumer group and gets the partitions first: slow on a loaded machine.
        await Eventually.TrueAsync(() => stack.Provider.ChargeRequests(order.OrderId).Count == 1, "the charge sent", TimeSpan.FromSeconds(60));

        await first.DisposeAsync();

        var stuck = await stack.QueryAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.OrderId));
        Assert.Equal((PaymentStatus.Charging, ChargeWorker.KeyFor(order.OrderId)), (stuck.Status, stuck.IdempotencyKey));
        Assert.Equal(1, stack.Provider.Charges(order.OrderId));
        await using var next = stack.SecondInstance();
        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        var requests = stack.Provider.ChargeRequests(order.OrderId);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(ChargeWorker.KeyFor(order.OrderId), r.Header("Idempotency-Key")));
        Assert.Equal(1, stack.Provider.Charges(order.OrderId));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
    }
}
