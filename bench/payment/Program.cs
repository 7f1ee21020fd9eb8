// The payment benchmark (bench/payment/run.sh runs it):
//   EStore.Payment.Bench --database-prefix CONNECTION_STRING_WITHOUT_DATABASE --database NAME --out FILE
//                        [--count 300] [--rate 20] [--seconds 15] [--rounds 3]
// Starts the broker, discovery, the gateway, identity-service and payment-service (Release, PostgreSQL databases
// NAME_identity and NAME_payment) with the payment sandbox (its own process); registers a customer and saves a 4242
// card through the gateway. Then, per round:
//   (a) service burst: COUNT orders' OrderCreated and StockReserved published at once, as order- and product-service
//       would; timed from the first publish to the COUNT-th PaymentSucceeded read from payment.events: charges/s;
//   (b) bare loop: COUNT PaymentIntents created and confirmed with Stripe.net (the same call payment-service makes, a
//       fresh idempotency key each) against the same sandbox, one after another and 8 at a time: charges/s, p99.
// And once: (c) service paced: RATE orders per second for SECONDS, each timed from its StockReserved to its
// PaymentSucceeded on the broker: p50/p99.
// Writes the table to FILE. Bounded: every wait has a timeout, every loop a count.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using Stripe;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Number(string name, int fallback, int max) =>
    Option(name) is { } text ? Math.Clamp(int.Parse(text, CultureInfo.InvariantCulture), 1, max) : fallback;
var server = Option("--database-prefix");
var database = Option("--database");
var output = Option("--out");
if (string.IsNullOrWhiteSpace(server) || string.IsNullOrWhiteSpace(database) || string.IsNullOrWhiteSpace(output))
{
    Console.Error.WriteLine("usage: EStore.Payment.Bench --database-prefix CONNECTION_STRING --database NAME --out FILE [--count 300] [--rate 20] [--seconds 15] [--rounds 3]");
    return 2;
}
var count = Number("--count", 300, 5_000);
var rate = Number("--rate", 20, 500);
var seconds = Number("--seconds", 15, 120);
var rounds = Number("--rounds", 3, 10);
var limit = TimeSpan.FromSeconds(Math.Max(120, count / 5));

var options = MeshBenchmarkHost.CreateOptions("payment");
options.SeedDemoData = false;
options.Apps = ["identity-service", "payment-service"];
foreach (var app in options.Apps)
{
    // Small pools: the PostgreSQL server (max_connections 100 by default) is shared with whatever else runs.
    options.Databases[app] = new MeshDatabase("Postgres", $"{server.TrimEnd(';')};Database={database}_{app.Split('-')[0]};Maximum Pool Size=10");
}
options.OnOutput = line => { if (line.IsError) { Console.WriteLine($"[{line.Source}] {line.Text}"); } };
using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
await using var mesh = await MeshHost.StartAsync(options, startup.Token);
var sandbox = mesh.PaymentSandbox ?? throw new InvalidOperationException("the mesh started no payment sandbox");

// A customer with a saved card, made through the gateway as a shopper would.
using var http = new HttpClient { BaseAddress = mesh.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
var email = $"bench-{Guid.NewGuid():N}@example.test";
const string Password = "payment benchmark password 1";
await SendAsync(HttpMethod.Post, "/api/auth/register", null, new { email, password = Password, name = "Payment Bench" }, HttpStatusCode.Created);
var token = (await SendAsync(HttpMethod.Post, "/api/auth/login", null, new { email, password = Password }, HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
var userId = (await SendAsync(HttpMethod.Get, "/api/users/me", token, null, HttpStatusCode.OK)).GetProperty("id").GetGuid();
var methodId = (await SendAsync(HttpMethod.Post, "/api/payment-methods", token, new Dictionary<string, object?>
{
    ["payment_type"] = "Card",
    ["details"] = new Dictionary<string, object?> { ["card_number"] = "4242424242424242", ["expiry_month"] = 12, ["expiry_year"] = DateTime.UtcNow.Year + 3, ["cvc"] = "123" },
}, HttpStatusCode.Created)).GetProperty("id").GetGuid();

// The bare loop's customer and card, made with Stripe.net at the same sandbox.
var stripe = new StripeClient(sandbox.Credentials.ApiKey, apiBase: sandbox.BaseUrl.ToString().TrimEnd('/'));
var customer = (await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions { Email = "bare@example.test" })).Id;
var card = (await new PaymentMethodService(stripe).CreateAsync(new PaymentMethodCreateOptions
{
    Type = "card",
    Card = new PaymentMethodCardOptions { Number = "4242424242424242", ExpMonth = 12, ExpYear = DateTime.UtcNow.Year + 3, Cvc = "123" },
})).Id;
await new PaymentMethodService(stripe).AttachAsync(card, new PaymentMethodAttachOptions { Customer = customer });

using var producer = new ProducerBuilder<string, string>(new ProducerConfig
{
    BootstrapServers = mesh.KafkaBootstrapServers,
    EnableIdempotence = true,
    Acks = Acks.All,
    LingerMs = 1,
    // As the outbox relay produces (Java-compatible keys to partitions).
    Partitioner = Confluent.Kafka.Partitioner.Murmur2Random,
}).Build();
var succeeded = new ConcurrentDictionary<Guid, long>();
// PaymentFailed, by order: a burst that overwhelms the machine can end in provider timeouts; they are reported, not waited for.
var failed = new ConcurrentDictionary<Guid, long>();
using var stopReading = new CancellationTokenSource();
var reader = Task.Factory.StartNew(() => ReadPayments(stopReading.Token), TaskCreationOptions.LongRunning);

Console.WriteLine("warm-up: 50 charges through the service, 50 bare");
await ServiceBurstAsync(50);
await BareAsync(50, 1);

var results = new List<(Burst Service, Burst Bare, Burst Bare8)>();
for (var round = 1; round <= rounds; round++)
{
    var service = await ServiceBurstAsync(count);
    var bare = await BareAsync(count, 1);
    var bare8 = await BareAsync(count, 8);
    results.Add((service, bare, bare8));
    Console.WriteLine($"round {round}: service {service.PerSecond:0.0}/s, bare {bare.PerSecond:0.0}/s, bare x8 {bare8.PerSecond:0.0}/s");
}
Console.WriteLine($"paced: {rate}/s for {seconds} s");
var paced = await ServicePacedAsync();
Console.WriteLine($"paced: p50 {paced.P50:0} ms, p99 {paced.P99:0} ms");
await stopReading.CancelAsync();
await reader.WaitAsync(TimeSpan.FromSeconds(30));
await System.IO.File.WriteAllTextAsync(output, Report());
Console.WriteLine($"wrote {output}");
return 0;

async Task PublishOrderAsync(Guid orderId)
{
    var now = DateTimeOffset.UtcNow;
    var created = new OrderCreated(orderId, userId, null, methodId,
        [new OrderLine(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Bench Lantern", 1, new Money(9.90m, "EUR"))],
        new Money(9.90m, "EUR"), new AddressSnapshot("Ada Bench", "1 Analytical Lane", null, "London", "N1 1AA", "GB"), email)
    { OccurredAt = now };
    var reserved = new StockReserved(orderId, [new StockLine(created.Lines[0].ProductId, created.Lines[0].VariantId, 1)], now.AddMinutes(15)) { OccurredAt = now };
    await Task.WhenAll(Produce(Topics.Order, created), Produce(Topics.Product, reserved));

    Task Produce(string topic, IIntegrationEvent @event) => producer.ProduceAsync(topic, new Message<string, string>
    {
        Key = @event.AggregateKey,
        Value = EventJson.Serialize(@event),
        Headers = new Headers
        {
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(EventTypeRegistry.Default.Get(@event.GetType()).Name) },
            { EventHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
        },
    });
}

// Event in -> PaymentSucceeded out, for a burst of orders at once.
async Task<Burst> ServiceBurstAsync(int orders)
{
    var ids = Enumerable.Range(0, orders).Select(_ => Guid.NewGuid()).ToList();
    var clock = Stopwatch.StartNew();
    var start = Stopwatch.GetTimestamp();
    await Task.WhenAll(ids.Select(PublishOrderAsync)).WaitAsync(limit);
    await WaitAsync(() => ids.All(id => succeeded.ContainsKey(id) || failed.ContainsKey(id)), $"{orders} PaymentSucceeded or PaymentFailed");
    var elapsed = clock.Elapsed.TotalSeconds;
    var latencies = ids.Where(succeeded.ContainsKey).Select(id => Stopwatch.GetElapsedTime(start, succeeded[id]).TotalMilliseconds).Order().ToList();
    return new Burst(latencies.Count / elapsed, Percentile(latencies, 50), Percentile(latencies, 99), orders - latencies.Count);
}

// Orders at a fixed rate; each timed from its events' publish to its PaymentSucceeded.
async Task<Burst> ServicePacedAsync()
{
    var sent = new ConcurrentDictionary<Guid, long>();
    var clock = Stopwatch.StartNew();
    var publishes = new List<Task>();
    for (var i = 0; i < rate * seconds; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
        var id = Guid.NewGuid();
        sent[id] = Stopwatch.GetTimestamp();
        publishes.Add(PublishOrderAsync(id));
    }
    await Task.WhenAll(publishes).WaitAsync(limit);
    await WaitAsync(() => sent.Keys.All(id => succeeded.ContainsKey(id) || failed.ContainsKey(id)), $"{sent.Count} paced PaymentSucceeded or PaymentFailed");
    var latencies = sent.Where(s => succeeded.ContainsKey(s.Key)).Select(s => Stopwatch.GetElapsedTime(s.Value, succeeded[s.Key]).TotalMilliseconds).Order().ToList();
    return new Burst(latencies.Count / clock.Elapsed.TotalSeconds, Percentile(latencies, 50), Percentile(latencies, 99), sent.Count - latencies.Count);
}

// The call payment-service makes for a charge, straight from here: create and confirm a PaymentIntent off-session.
async Task<Burst> BareAsync(int charges, int parallel)
{
    var latencies = new ConcurrentBag<double>();
    var next = -1;
    var clock = Stopwatch.StartNew();
    var service = new PaymentIntentService(stripe);
    await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) < charges)
        {
            var one = Stopwatch.StartNew();
            var intent = await service.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = 990,
                Currency = "eur",
                Customer = customer,
                PaymentMethod = card,
                Confirm = true,
                OffSession = true,
                Metadata = new Dictionary<string, string> { ["order_id"] = Guid.NewGuid().ToString() },
            }, new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() });
            if (intent.Status != "succeeded")
            {
                throw new InvalidOperationException($"bare charge {intent.Id}: {intent.Status}");
            }
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }
    })).WaitAsync(limit);
    var sorted = latencies.Order().ToList();
    return new Burst(charges / clock.Elapsed.TotalSeconds, Percentile(sorted, 50), Percentile(sorted, 99), 0);
}

void ReadPayments(CancellationToken stop)
{
    using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
    {
        BootstrapServers = mesh.KafkaBootstrapServers,
        GroupId = "bench-payments-" + Guid.NewGuid().ToString("N"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchWaitMaxMs = 10,
    }).Build();
    consumer.Subscribe(Topics.Payment);
    // Bounded by the run: cancelled once the last round is read.
    while (!stop.IsCancellationRequested)
    {
        if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is { IsPartitionEOF: false } result
            && result.Message.Headers.TryGetLastBytes(EventHeaders.EventType, out var type) && Guid.TryParse(result.Message.Key, out var orderId))
        {
            var outcome = Encoding.UTF8.GetString(type);
            (outcome == nameof(PaymentSucceeded) ? succeeded : outcome == nameof(PaymentFailed) ? failed : null)?.TryAdd(orderId, Stopwatch.GetTimestamp());
        }
    }
    consumer.Close();
}

async Task WaitAsync(Func<bool> done, string what)
{
    var clock = Stopwatch.StartNew();
    while (!done())
    {
        if (clock.Elapsed > limit)
        {
            throw new TimeoutException($"no {what} within {limit}");
        }
        await Task.Delay(5);
    }
}

static double Percentile(IReadOnlyList<double> sorted, int percentile) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

// The gateway learns new instances from the registry every few seconds: a fresh route may answer 503 at first.
async Task<JsonElement> SendAsync(HttpMethod method, string path, string? bearer, object? body, HttpStatusCode expected)
{
    for (var attempt = 1; ; attempt++)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == expected)
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 60)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
    }
}

string Report()
{
    var cpu = System.IO.File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
    static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
    static string R(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
    var rows = string.Join('\n', results.Select((r, i) =>
        $"| {i + 1} | {F(r.Service.PerSecond)} ({r.Service.Failed} failed) | {F(r.Bare.PerSecond)} | {F(r.Bare8.PerSecond)} | {R(r.Service.PerSecond / r.Bare.PerSecond)} | {R(r.Service.PerSecond / r.Bare8.PerSecond)} | {F(r.Bare.P99)} | {F(r.Bare8.P99)} |"));
    var median = results.OrderBy(r => r.Service.PerSecond / r.Bare.PerSecond).ElementAt(results.Count / 2);
    return $"""
        # Payment benchmark

        Generated by `bench/payment/run.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Loopback only.

        The mesh: broker (mock Kafka), discovery, the gateway, identity-service and payment-service (one instance,
        Release, PostgreSQL) and the payment sandbox (tools/EStore.PaymentSandbox, its own process) as the provider.
        One customer saved a 4242 card through the gateway.

        (a) the saga step: {count} orders' `OrderCreated` and `StockReserved` published at once (as order- and
        product-service would), timed from the first publish to the {count}th `PaymentSucceeded` read back from
        `payment.events`. Each charge is: both events consumed (inbox rows with their effects), the payment claimed with a
        conditional UPDATE (idempotency key and lease committed first), the PaymentIntent created and confirmed at the
        sandbox with Stripe.net, the outcome, the attempt and `PaymentSucceeded` saved in one transaction, the outbox
        relayed. The charge worker charges up to `Payment:Charges:Concurrency` payments at once (8 by default, used
        here), fills a slot as soon as a charge ends and otherwise looks for due payments every
        `Payment:Charges:PollIntervalMs` (500 ms by default, used here).
        (b) the bare loop: the same Stripe.net call (`PaymentIntentService.Create`, confirm, off-session, a fresh
        idempotency key) from this process against the same sandbox, one at a time and 8 at a time.

        | Round | (a) service charges/s | (b) bare charges/s | (b) bare x8 charges/s | a/b | a/(b x8) | bare p99 ms | bare x8 p99 ms |
        |---|---|---|---|---|---|---|---|
        {rows}

        Median ratio a/b: **{R(median.Service.PerSecond / median.Bare.PerSecond)}** (service {F(median.Service.PerSecond)}/s, bare {F(median.Bare.PerSecond)}/s).
        In the bursts, per-order latency is mostly queueing (p99 of the last burst: {F(results[^1].Service.P99)} ms).

        (c) the saga step paced: {rate} orders per second for {seconds} s, each timed from the publish of its events to its
        `PaymentSucceeded` on the broker: p50 **{F(paced.P50)} ms**, p99 **{F(paced.P99)} ms**, {paced.Failed} failed (bare call p99:
        {F(median.Bare.P99)} ms). Each charge (claim committed, provider call, outcome saved) waits up to one poll
        interval (500 ms) to be found when no slot freed up meanwhile; when charges arrive faster than the slots finish
        them, they queue.

        Machine: {Environment.ProcessorCount} cores ({cpu}), .NET {Environment.Version}; after a warm-up of 50 charges
        each. The mesh, PostgreSQL, the broker, the sandbox, this client and (on a shared development machine) other work
        share the same cores: compare ratios, not absolute figures.

        Reproduce: `bench/payment/run.sh` (optional: `COUNT=500 ROUNDS=5 RATE=20 DURATION=15 bench/payment/run.sh`).

        """;
}

internal sealed record Burst(double PerSecond, double P50, double P99, int Failed);
