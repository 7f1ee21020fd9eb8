using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts;
using EStore.Order.Tests.Infrastructure;

namespace EStore.Order.Tests;

/// <summary>
/// The checkout saga's guarantees under load and faults, through the gateway with every service a real process
/// (<see cref="ProofMesh"/>: two product-service and two order-service instances): nothing oversold, every order
/// settled, every confirmed order paid exactly once, nothing paid that was not confirmed. Part of the faults proof
/// suite (<c>./estore test --suite faults</c>): too long for every CI run.
/// </summary>
[Collection(ProofMeshCollection.Name)]
[Trait("Suite", "faults")]
public sealed class SagaProofTests(ProofMesh mesh)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    private Task<string> OwnerAsync() => mesh.LoginAsync(DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);

    [Fact]
    public async Task Two_hundred_concurrent_checkouts_of_ten_units_over_two_instances_sell_exactly_ten_each_paid_once_and_cancel_the_rest()
    {
        const int Checkouts = 200;
        const int PerShopper = 10;
        await mesh.WaitForPartitionsSplitAsync("product-service");
        await mesh.WaitForPartitionsSplitAsync("order-service");
        var variant = await mesh.NewVariantAsync(await OwnerAsync(), stock: 10, price: 12.50m, "EUR");
        var shoppers = await mesh.RegisterManyAsync(Checkouts / PerShopper);

        // Every shopper buys one unit ten times at once: 200 checkouts in flight together.
        var answers = await Task.WhenAll(shoppers.SelectMany(s => Enumerable.Range(0, PerShopper).Select(_ => mesh.BuyAsync(s, variant))));

        // What cannot succeed is refused at once (the stock was already reserved away); everything else became an order.
        foreach (var refused in answers.Where(a => a.Status != HttpStatusCode.Accepted))
        {
            Assert.True(refused.Status == HttpStatusCode.Conflict, $"{(int)refused.Status}: {refused.Body}\n{mesh.RecentFailures}");
            Assert.Contains(refused.Body.GetProperty("lines")[0].GetProperty("reason").GetString(), new[] { "out_of_stock", "insufficient_stock" });
        }
        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.Body.GetProperty("id").GetGuid()).ToList();
        Assert.True(accepted.Count >= 10, $"only {accepted.Count} of {Checkouts} checkouts were accepted");

        var orders = await mesh.SettledAsync(shoppers, accepted, Settle);
        var confirmed = orders.Values.Where(o => OrderMesh.Status(o) == "CONFIRMED").Select(OrderId).ToHashSet();
        Assert.Equal(10, confirmed.Count);
        Assert.All(orders.Values.Where(o => !confirmed.Contains(OrderId(o))), o =>
        {
            Assert.Equal("CANCELLED", OrderMesh.Status(o));
            Assert.StartsWith("stock could not be reserved", o.GetProperty("cancelReason").GetString(), StringComparison.Ordinal);
        });
        Assert.All(orders.Values.Where(o => confirmed.Contains(OrderId(o))), o => Assert.Equal("PAID", o.GetProperty("paymentStatus").GetString()));
        await AssertPaidOnceAsync(confirmed, accepted, amount: 1250);

        // The ten units are sold: committed, none held, none left.
        await mesh.StockWhenAsync(variant, stock: 0, reserved: 0, "the 10 units committed, the other reservations released");
        // Both instances of each pair took part.
        foreach (var (app, type) in new[] { ("product-service", "OrderCreated"), ("order-service", "StockReservationFailed") })
        {
            var handled = await mesh.HandledPerInstanceAsync(app, type);
            Assert.All(handled, h => Assert.True(h.Value > 0, $"{h.Key} handled no {type} ({string.Join(", ", handled)})"));
        }
    }

    [Fact]
    public async Task Checkouts_made_while_the_broker_is_down_for_30_seconds_are_all_confirmed_and_paid_once_after_it_returns()
    {
        var variant = await mesh.NewVariantAsync(await OwnerAsync(), stock: 100, price: 4m, "EUR");
        var shoppers = await mesh.RegisterManyAsync(4);
        var before = await Task.WhenAll(shoppers.Select(s => mesh.BuyAsync(s, variant)));

        var broker = mesh.Mesh.Broker!.Process;
        broker.Suspend();
        IReadOnlyList<(HttpStatusCode Status, JsonElement Body)> during;
        try
        {
            // Checkouts need no broker: each is stored with its OrderCreated in the outbox and answered 202.
            var clock = Stopwatch.StartNew();
            during = await Task.WhenAll(shoppers.SelectMany(s => new[] { mesh.BuyAsync(s, variant), mesh.BuyAsync(s, variant) }));
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, 30 - clock.Elapsed.TotalSeconds)));
        }
        finally
        {
            broker.Resume();
        }
        var answers = before.Concat(during).ToList();
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted, $"{(int)a.Status}: {a.Body}\n{mesh.RecentFailures}"));
        var ids = answers.Select(a => a.Body.GetProperty("id").GetGuid()).ToList();

        var orders = await mesh.SettledAsync(shoppers, ids, Settle);
        Assert.All(orders.Values, o => Assert.Equal(("CONFIRMED", "PAID"), (OrderMesh.Status(o), o.GetProperty("paymentStatus").GetString())));
        await AssertPaidOnceAsync(ids.ToHashSet(), ids, amount: 400);
        await mesh.StockWhenAsync(variant, stock: 100 - ids.Count, reserved: 0, $"{ids.Count} units committed");
    }

    [Fact]
    public async Task Payment_service_killed_mid_charge_and_restarted_charges_every_checkout_exactly_once()
    {
        var variant = await mesh.NewVariantAsync(await OwnerAsync(), stock: 100, price: 6m, "EUR");
        var shoppers = await mesh.RegisterManyAsync(4);
        // A card the provider answers only after a delay: the kill comes between "charge sent" and "result stored".
        var slow = await mesh.RegisterAsync(card: "4000000000001000");
        var slowOrder = await mesh.BuyAsync(slow, variant);
        Assert.Equal(HttpStatusCode.Accepted, slowOrder.Status);
        var answers = (await Task.WhenAll(shoppers.SelectMany(s => new[] { mesh.BuyAsync(s, variant), mesh.BuyAsync(s, variant) }))).Append(slowOrder).ToList();
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted, $"{(int)a.Status}: {a.Body}\n{mesh.RecentFailures}"));
        var ids = answers.Select(a => a.Body.GetProperty("id").GetGuid()).ToList();

        var slowId = slowOrder.Body.GetProperty("id").GetString()!;
        await Eventually.TrueAsync(async () => await mesh.Provider.InFlightForOrderAsync(slowId) > 0, "the provider working on the slow card's charge", Settle);
        var payment = Assert.Single(mesh.Mesh.GetInstances("payment-service"));
        await mesh.Mesh.KillInstanceAsync(payment.Name);
        await mesh.Mesh.StartInstanceAsync("payment-service");

        var orders = await mesh.SettledAsync([.. shoppers, slow], ids, Settle);
        Assert.All(orders.Values, o => Assert.Equal(("CONFIRMED", "PAID"), (OrderMesh.Status(o), o.GetProperty("paymentStatus").GetString())));
        await AssertPaidOnceAsync(ids.ToHashSet(), ids, amount: 600);
    }

    [Fact]
    public async Task Every_saga_event_delivered_twice_still_sells_each_unit_once_and_charges_each_checkout_once()
    {
        var variant = await mesh.NewVariantAsync(await OwnerAsync(), stock: 6, price: 8m, "EUR");
        var shoppers = await mesh.RegisterManyAsync(5);
        var declined = await mesh.RegisterAsync(card: "4000000000000002");
        await using var doubler = new EventDoubler(mesh.Mesh.KafkaBootstrapServers);
        await doubler.ReadyAsync(TimeSpan.FromSeconds(30));

        // A declined card first (its unit reserved, then released), then ten checkouts at once for the six units.
        var first = await mesh.BuyAsync(declined, variant);
        Assert.True(first.Status == HttpStatusCode.Accepted, $"{(int)first.Status}: {first.Body}");
        var answers = (await Task.WhenAll(shoppers.SelectMany(s => new[] { mesh.BuyAsync(s, variant), mesh.BuyAsync(s, variant) }))).Append(first).ToList();
        var ids = answers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.Body.GetProperty("id").GetGuid()).ToList();

        var orders = await mesh.SettledAsync([.. shoppers, declined], ids, Settle);
        var confirmed = orders.Values.Where(o => OrderMesh.Status(o) == "CONFIRMED").Select(OrderId).ToHashSet();
        // Six units: at most six confirmed, and as many as the stock and the cards allow.
        Assert.InRange(confirmed.Count, 5, 6);
        await AssertPaidOnceAsync(confirmed, ids, amount: 800);
        await mesh.StockWhenAsync(variant, stock: 6 - confirmed.Count, reserved: 0, "the confirmed units committed once and the rest released once");
        // The copies went out: every saga step was seen twice.
        string[] steps = ["OrderCreated", "StockReserved", "PaymentSucceeded", "PaymentFailed", "OrderConfirmed", "OrderCancelled", "StockReleased"];
        await Eventually.TrueAsync(() => steps.All(type => doubler.Copies.GetValueOrDefault(type) > 0),
            () => $"every saga step delivered twice; copies so far: {string.Join(", ", doubler.Copies)}", Settle);
        // A while later (the copies handled), still settled the same way and still charged once.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var again = await mesh.SettledAsync([.. shoppers, declined], ids, Settle);
        Assert.Equal(orders.ToDictionary(o => o.Key, o => OrderMesh.Status(o.Value)), again.ToDictionary(o => o.Key, o => OrderMesh.Status(o.Value)));
        await AssertPaidOnceAsync(confirmed, ids, amount: 800);
    }

    [Fact]
    public async Task A_checkout_is_one_trace_in_zipkin_from_the_gateway_through_order_product_and_payment_services_consumers()
    {
        var variant = await mesh.NewVariantAsync(await OwnerAsync(), stock: 5, price: 3m, "EUR");
        var shopper = await mesh.RegisterAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders?waitSeconds=25") { Content = JsonContent.Create(new { variantId = variant, quantity = 1 }) };
        request.Headers.Authorization = new("Bearer", shopper.Token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add("traceparent", $"00-{traceId}-{clientSpanId}-01");
        using var response = await mesh.Gateway.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK && OrderMesh.Status(body) == "CONFIRMED", $"{(int)response.StatusCode}: {body}");

        var spans = await mesh.Zipkin.WaitForTraceAsync(traceId, Complete, (int)Settle.TotalMilliseconds);
        Assert.True(Complete(spans), "incomplete trace:\n" + Describe(spans));
        Assert.All(spans, s => Assert.Empty(ZipkinSpanRules.Check(s)));
        var byId = spans.GroupBy(Id).ToDictionary(g => g.Key, g => g.First());

        // The client's span is the gateway's parent; every other span hangs under a span of the same trace.
        var root = Assert.Single(spans, s => Is(s, "gateway", "SERVER"));
        Assert.Equal(clientSpanId, ParentId(root));
        Assert.All(spans.Where(s => Id(s) != Id(root)), s => Assert.True(ParentId(s) is { } p && byId.ContainsKey(p), $"span without a parent in the trace: {s}"));

        // gateway -> order-service's request -> OrderCreated -> product-service reserves -> StockReserved, consumed by
        // payment-service (which records both events) and by order-service.
        var orderServer = Assert.Single(spans, s => Is(s, "order-service", "SERVER") && Name(s).StartsWith("POST", StringComparison.Ordinal));
        Assert.Contains(Id(root), Ancestors(orderServer, byId));
        var created = Under(spans, byId, "order-service", "PRODUCER", "send order.events", new HashSet<string> { Id(orderServer) });
        var reserving = Under(spans, byId, "product-service", "CONSUMER", "process order.events", created);
        var reserved = Under(spans, byId, "product-service", "PRODUCER", "send product.events", reserving);
        Under(spans, byId, "payment-service", "CONSUMER", "process order.events", created);
        Under(spans, byId, "payment-service", "CONSUMER", "process product.events", reserved);
        Under(spans, byId, "order-service", "CONSUMER", "process product.events", reserved);
    }

    private static bool Complete(IReadOnlyList<JsonElement> spans) =>
        spans.Any(s => Is(s, "gateway", "SERVER"))
        && spans.Any(s => Is(s, "order-service", "SERVER"))
        && spans.Any(s => Is(s, "product-service", "PRODUCER"))
        && spans.Any(s => Is(s, "payment-service", "CONSUMER") && Name(s) == "process order.events")
        && spans.Any(s => Is(s, "payment-service", "CONSUMER") && Name(s) == "process product.events")
        && spans.Any(s => Is(s, "order-service", "CONSUMER") && Name(s) == "process product.events")
        // Parents are exported after their children: wait until no span points at a missing one.
        && spans.All(s => ParentId(s) is not { } parent || spans.Any(p => Id(p) == parent) || Is(s, "gateway", "SERVER"));

    /// <summary>The ids of the spans of <paramref name="service"/>, <paramref name="kind"/> and <paramref name="name"/> below any of <paramref name="parents"/>; at least one.</summary>
    private static HashSet<string> Under(IReadOnlyList<JsonElement> spans, IReadOnlyDictionary<string, JsonElement> byId, string service, string kind, string name, IReadOnlySet<string> parents)
    {
        var found = spans.Where(s => Is(s, service, kind) && Name(s) == name && Ancestors(s, byId).Any(parents.Contains)).Select(Id).ToHashSet();
        Assert.True(found.Count > 0, $"no {service} {kind} '{name}' below {string.Join(", ", parents)}");
        return found;
    }

    /// <summary>
    /// Each of <paramref name="paid"/> has exactly one successful charge of <paramref name="amount"/> minor units at the
    /// provider; no other of <paramref name="all"/> has one.
    /// </summary>
    private async Task AssertPaidOnceAsync(IReadOnlySet<Guid> paid, IEnumerable<Guid> all, long amount)
    {
        var charges = (await mesh.Provider.ChargesAsync()).Where(c => c.Status == "succeeded" && c.OrderId is not null).ToLookup(c => c.OrderId!);
        foreach (var id in all)
        {
            var ofOrder = charges[id.ToString()].ToList();
            if (paid.Contains(id))
            {
                Assert.True(ofOrder.Count == 1, $"order {id}: {ofOrder.Count} successful charges");
                Assert.Equal(amount, ofOrder[0].Amount);
            }
            else
            {
                Assert.True(ofOrder.Count == 0, $"order {id} was not confirmed but has {ofOrder.Count} successful charges");
            }
        }
    }

    private static Guid OrderId(JsonElement order) => order.GetProperty("id").GetGuid();

    /// <summary>The span ids above <paramref name="span"/>, nearest first (bounded by the trace's size).</summary>
    private static List<string> Ancestors(JsonElement span, IReadOnlyDictionary<string, JsonElement> byId)
    {
        var ancestors = new List<string>();
        for (var current = span; ancestors.Count < byId.Count && ParentId(current) is { } parent && byId.TryGetValue(parent, out var next); current = next)
        {
            ancestors.Add(parent);
        }
        return ancestors;
    }

    private static bool Is(JsonElement span, string service, string kind) =>
        Service(span) == service && span.TryGetProperty("kind", out var k) && k.GetString() == kind;

    private static string Id(JsonElement span) => span.GetProperty("id").GetString()!;

    private static string? ParentId(JsonElement span) => span.TryGetProperty("parentId", out var parent) ? parent.GetString() : null;

    private static string Name(JsonElement span) => span.GetProperty("name").GetString()!;

    private static string? Service(JsonElement span) =>
        span.TryGetProperty("localEndpoint", out var local) && local.TryGetProperty("serviceName", out var name) ? name.GetString() : null;

    private static string Describe(IReadOnlyList<JsonElement> spans) =>
        string.Join('\n', spans.Select(s => $"{Service(s)} {(s.TryGetProperty("kind", out var k) ? k.GetString() : "-")} '{Name(s)}' id={Id(s)} parent={ParentId(s)}"));
}
