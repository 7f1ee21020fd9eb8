using EStore.Contracts.Events;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// The stock side of the checkout saga under contention: two product-service instances consume order.events in one
/// group, each reserving from the same PostgreSQL rows, and together they must never sell more than there is.
/// </summary>
public sealed class OversellTests(OversellMeshFixture mesh) : IClassFixture<OversellMeshFixture>
{
    [Fact]
    public async Task Fifty_concurrent_orders_for_ten_units_over_two_instances_reserve_exactly_ten()
    {
        var (productId, variantId, shopId) = await mesh.SeedVariantAsync(stock: 10);
        var orders = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
        var orderIds = orders.ToHashSet();

        // Sample the variant while the orders are handled: available stock must never dip below zero.
        using var sampling = new CancellationTokenSource();
        var lowestAvailable = SampleLowestAvailableAsync(variantId, sampling.Token);
        await Task.WhenAll(orders.Select(id => mesh.ProduceAsync(Created(id, productId, variantId, shopId))));

        // Other product events (e.g. low-stock signals) may come along; the answers to the orders are these two.
        static List<ProductEvent> Answers(List<ProductEvent> events) => [.. events.Where(e => e.Type is "StockReserved" or "StockReservationFailed")];
        var events = Answers(await mesh.WaitForProductEventsAsync(orderIds, e => Answers(e).Count >= 50, "an answer to each of the 50 orders"));
        await sampling.CancelAsync();

        var reserved = events.Where(e => e.Type == "StockReserved").Select(e => e.OrderId).ToList();
        var failed = events.Where(e => e.Type == "StockReservationFailed").ToList();
        Assert.Equal(10, reserved.Count);
        Assert.Equal(40, failed.Count);
        // One answer per order: no order was both reserved and refused, none answered twice.
        Assert.Equal(50, events.Select(e => e.OrderId).Distinct().Count());
        Assert.All(failed, f => Assert.DoesNotContain("\"available\":-", f.Payload, StringComparison.Ordinal));
        Assert.True(await lowestAvailable >= 0, $"available stock went down to {await lowestAvailable}");

        var state = await mesh.ReadVariantAsync(variantId);
        Assert.Equal(10, state.Stock);
        Assert.Equal(10, state.Reserved);
        Assert.Equal(0, state.Available);
        Assert.Equal(10, state.Reservations);
        Assert.Equal(10, state.Held);

        // Both instances took part: each handled some of the orders from its own share of the partitions.
        var handled = await mesh.OrderCreatedHandledPerInstanceAsync();
        Assert.Equal(2, handled.Count);
        Assert.All(handled, h => Assert.True(h.Value > 0, $"{h.Key} handled no OrderCreated ({string.Join(", ", handled)})"));

        // The saga ends: 6 orders are paid and confirmed, 4 are cancelled.
        var confirmed = reserved.Take(6).ToList();
        var cancelled = reserved.Skip(6).ToList();
        await Task.WhenAll(
            confirmed.Select(id => mesh.ProduceAsync(new OrderConfirmed(id, Customer, null, Guid.NewGuid(), new Money(49.00m, "EUR")) { OccurredAt = TimeProvider.System.GetUtcNow() }))
                .Concat(cancelled.Select(id => mesh.ProduceAsync(new OrderCancelled(id, Customer, CancelledBy.Customer, "changed my mind") { OccurredAt = TimeProvider.System.GetUtcNow() }))));

        // StockReleased answers each cancellation; a confirmation publishes nothing, so poll the database for it.
        await mesh.WaitForProductEventsAsync(orderIds, e => e.Count(x => x.Type == "StockReleased") >= 4, "the 4 releases");
        var settled = await PollVariantAsync(variantId, s => s.Committed == 6 && s.Released == 4, "6 committed and 4 released reservations");
        Assert.Equal(4, settled.Stock);
        Assert.Equal(0, settled.Reserved);
        Assert.Equal(4, settled.Available);
        Assert.Equal(6, settled.LedgerLines);
        // The ledger balances: what was there at the start plus every recorded change is what is on hand.
        Assert.Equal(settled.Stock, 10 + settled.LedgerDelta);
        // Nothing was answered twice meanwhile: still 10 reservations and 40 refusals, and one release per cancellation.
        var final = mesh.ProductEventsFor(orderIds);
        Assert.Equal(10, final.Count(e => e.Type == "StockReserved"));
        Assert.Equal(40, final.Count(e => e.Type == "StockReservationFailed"));
        Assert.Equal(cancelled.Order(), final.Where(e => e.Type == "StockReleased").Select(e => e.OrderId).Order());
    }

    [Fact]
    public async Task The_same_order_delivered_twice_under_different_event_ids_reserves_once()
    {
        var (productId, variantId, shopId) = await mesh.SeedVariantAsync(stock: 5);
        var orderId = Guid.NewGuid();
        var created = Created(orderId, productId, variantId, shopId, quantity: 2);

        // A redelivery under a new event id (the inbox cannot catch it), then the very same message again (it can).
        await mesh.ProduceAsync(created);
        await mesh.ProduceAsync(created, eventId: Guid.NewGuid());
        await mesh.ProduceAsync(created);
        // Same key, same partition: once the cancellation is answered, every copy before it has been handled.
        await mesh.ProduceAsync(new OrderCancelled(orderId, Customer, CancelledBy.System, "payment failed") { OccurredAt = TimeProvider.System.GetUtcNow() });

        var events = await mesh.WaitForProductEventsAsync(new HashSet<Guid> { orderId }, e => e.Any(x => x.Type == "StockReleased"), "the release");
        Assert.Equal(["StockReserved", "StockReleased"], events.Select(e => e.Type));
        Assert.Contains("\"quantity\":2", events[1].Payload, StringComparison.Ordinal);

        var state = await mesh.ReadVariantAsync(variantId);
        Assert.Equal(1, state.Reservations);
        Assert.Equal(1, state.Released);
        Assert.Equal(5, state.Stock);
        Assert.Equal(0, state.Reserved);
    }

    private static OrderCreated Created(Guid orderId, Guid productId, Guid variantId, Guid shopId, int quantity = 1) =>
        new(orderId, Customer, null, Guid.NewGuid(),
            [new OrderLine(Guid.NewGuid(), productId, variantId, shopId, "Numbered Lantern", quantity, new Money(49.00m, "EUR"))],
            new Money(49.00m * quantity, "EUR"),
            new AddressSnapshot("Ada Lovelace", "12 Test Street", null, "London", "N1 9GU", "GB"))
        {
            OccurredAt = TimeProvider.System.GetUtcNow(),
        };

    // One customer places every order; only the ids have to agree between an order's events.
    private static readonly Guid Customer = Guid.NewGuid();

    private async Task<int> SampleLowestAvailableAsync(Guid variantId, CancellationToken cancellationToken)
    {
        var lowest = int.MaxValue;
        // Bounded by the test: cancelled once every order is answered (or by the fixture's 60 s wait failing).
        for (var i = 0; i < 3000 && !cancellationToken.IsCancellationRequested; i++)
        {
            lowest = Math.Min(lowest, (await mesh.ReadVariantAsync(variantId)).Available);
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return lowest;
    }

    private Task<VariantState> PollVariantAsync(Guid variantId, Func<VariantState, bool> done, string what) =>
        Eventually.GetAsync(() => mesh.ReadVariantAsync(variantId), done, what, OversellMeshFixture.Bounded);
}
