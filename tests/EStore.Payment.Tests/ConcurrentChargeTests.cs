using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Services;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary>
/// <c>Payment:Charges:Concurrency</c>: an instance charges several due payments at once, never more than the setting,
/// each exactly once; stopped with several charges under way, it leaves each for the next instance to finish once.
/// The fixture's own instance records the payments but charges nothing: each test starts the instances that charge
/// once every payment is due, so all of them are due at the same moment.
/// </summary>
public sealed class ConcurrentChargeTests(ChargelessPaymentStack stack) : IClassFixture<ChargelessPaymentStack>
{
    [Fact]
    public async Task Payments_due_at_once_are_charged_Concurrency_at_a_time_each_exactly_once()
    {
        const int Concurrency = 3;
        // Twice the slots: the second half waits for free slots, the slow answers keep the first half overlapping.
        var orders = await DueOrdersAsync(2 * Concurrency, ProviderFault.SlowAnswer(TimeSpan.FromSeconds(3)));

        await using (var charging = stack.SecondInstance(new Dictionary<string, string?>
        {
            ["Payment:Charges:Concurrency"] = $"{Concurrency}",
            // Well above the slow answer: each charge is one request, its answer waited for.
            ["Payment:Provider:TimeoutSeconds"] = "30",
        }))
        {
            foreach (var order in orders)
            {
                Assert.Equal(PaymentStatus.Succeeded, (await stack.SettledAsync(order.OrderId, TimeSpan.FromSeconds(60))).Status);
            }
        }

        // One at a time, the provider would never have worked on two of them at once.
        Assert.Equal(Concurrency, stack.Provider.PeakConcurrentCharges(orders.Select(o => o.OrderId)));
        foreach (var order in orders)
        {
            var request = Assert.Single(stack.Provider.ChargeRequests(order.OrderId));
            Assert.Equal(ChargeWorker.KeyFor(order.OrderId), request.Header("Idempotency-Key"));
            Assert.Equal(1, stack.Provider.Charges(order.OrderId));
            Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
        }
    }

    [Fact]
    public async Task Stopped_with_several_charges_under_way_it_leaves_each_for_the_next_instance_which_charges_each_once()
    {
        const int Concurrency = 4;
        // The provider takes the money at once but answers only after 20 s: the instance is stopped before that.
        var orders = await DueOrdersAsync(Concurrency, ProviderFault.SlowAnswer(TimeSpan.FromSeconds(20)));
        var first = stack.SecondInstance(new Dictionary<string, string?>
        {
            ["Payment:Charges:Concurrency"] = $"{Concurrency}",
            // Its calls are still waiting when it is stopped (a lease of 5 + 2 s: the next instance takes over soon after).
            ["Payment:Provider:TimeoutSeconds"] = "5",
        });
        await Eventually.TrueAsync(() => orders.All(o => stack.Provider.ChargeRequests(o.OrderId).Count == 1), "every charge sent at once",
            TimeSpan.FromSeconds(30));

        await first.DisposeAsync();

        foreach (var order in orders)
        {
            var stuck = await stack.QueryAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.OrderId));
            Assert.Equal((PaymentStatus.Charging, ChargeWorker.KeyFor(order.OrderId)), (stuck.Status, stuck.IdempotencyKey));
            Assert.Contains(stack.Logs, line => line.Contains($"Charge of payment {stuck.Id}: stopped with the instance", StringComparison.Ordinal));
        }
        // Each charge under way ended with the stop, none with an error (such as its scope disposed under it).
        Assert.DoesNotContain(stack.Logs, line => line.StartsWith($"Error {typeof(ChargeWorker).FullName}", StringComparison.Ordinal));
        await using var next = stack.SecondInstance();
        foreach (var order in orders)
        {
            Assert.Equal(PaymentStatus.Succeeded, (await stack.SettledAsync(order.OrderId, TimeSpan.FromSeconds(60))).Status);
        }
        foreach (var order in orders)
        {
            var requests = stack.Provider.ChargeRequests(order.OrderId);
            Assert.Equal(2, requests.Count);
            Assert.All(requests, r => Assert.Equal(ChargeWorker.KeyFor(order.OrderId), r.Header("Idempotency-Key")));
            Assert.Equal(1, stack.Provider.Charges(order.OrderId));
            Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
        }
    }

    // Orders of new customers whose payments are all due (amount and stock there), their first charge meeting the fault.
    private async Task<List<OrderCreated>> DueOrdersAsync(int count, ProviderFault firstAnswer)
    {
        var orders = new List<OrderCreated>();
        for (var i = 0; i < count; i++)
        {
            var (user, token) = stack.Customer();
            var method = (await stack.AddCardAsync(token)).GetProperty("id").GetGuid();
            var order = PaymentStack.Order(user, method);
            stack.Provider.FailCharges(order.OrderId, firstAnswer);
            orders.Add(order);
        }
        await stack.PublishAsync([.. orders.SelectMany(o => new IntegrationEvent[] { o, PaymentStack.Reserved(o.OrderId) })]);
        var ids = orders.Select(o => o.OrderId).ToList();
        await Eventually.TrueAsync(async () => count == await stack.QueryAsync(db => db.Payments.CountAsync(p => ids.Contains(p.OrderId)
            && p.Status == PaymentStatus.Pending && p.OrderReceivedAt != null && p.StockReservedAt != null)), "every payment due", TimeSpan.FromSeconds(30));
        return orders;
    }
}
