// The checkout benchmark (bench/checkout/run.sh runs it):
//   EStore.Checkout.Bench --database-prefix CONNECTION_STRING_WITHOUT_DATABASE --database NAME --out FILE
//                         [--rate 20] [--seconds 20] [--clients 16] [--scales 1,2]
// For each scale N: starts the broker, discovery, the gateway and identity-, shop-, product-, address-, payment- and
// order-service (N instances of each service, Release, PostgreSQL databases NAME_<N>_<service>) with the payment
// sandbox; registers shoppers (address and card each) and a product of the demo shop with enough stock through the
// gateway; then
//   (a) paced: RATE checkouts per second for SECONDS (open loop), each POST /api/orders?waitSeconds=30 timed from the
//       request to the answer that says CONFIRMED; meanwhile a bare Kafka hop (produce -> consume, one message every
//       50 ms on a topic of its own on the same broker) is timed;
//   (b) saturated: CLIENTS clients checking out back to back for SECONDS: checkouts confirmed per second.
// Writes the table to FILE. Bounded: every wait has a timeout, every loop a count or a deadline.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Mesh;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Number(string name, int fallback, int max) =>
    Option(name) is { } text ? Math.Clamp(int.Parse(text, CultureInfo.InvariantCulture), 1, max) : fallback;
var server = Option("--database-prefix");
var database = Option("--database");
var output = Option("--out");
if (string.IsNullOrWhiteSpace(server) || string.IsNullOrWhiteSpace(database) || string.IsNullOrWhiteSpace(output))
{
    Console.Error.WriteLine("usage: EStore.Checkout.Bench --database-prefix CONNECTION_STRING --database NAME --out FILE [--rate 20] [--seconds 20] [--clients 16] [--scales 1,2]");
    return 2;
}
var rate = Number("--rate", 20, 200);
var seconds = Number("--seconds", 20, 300);
var clients = Number("--clients", 16, 64);
var scales = (Option("--scales") ?? "1,2").Split(',').Select(s => Math.Clamp(int.Parse(s, CultureInfo.InvariantCulture), 1, 3)).ToList();
string[] apps = ["identity-service", "shop-service", "product-service", "address-service", "payment-service", "order-service"];
var rows = new List<Row>();
// Why checkouts were not confirmed (status and checkout status, or the client's exception), over the whole run.
var outcomes = new ConcurrentDictionary<string, int>();

foreach (var scale in scales)
{
    Console.WriteLine($"== {scale} instance(s) of each service");
    var options = MeshBenchmarkHost.CreateOptions("checkout");
    options.Apps = [.. apps];
    foreach (var app in apps)
    {
        // Small pools: the PostgreSQL server (max_connections 100 by default) serves up to 12 service processes here.
        options.Databases[app] = new MeshDatabase("Postgres", $"{server.TrimEnd(';')};Database={database}_{scale}_{app.Split('-')[0]};Maximum Pool Size=5");
        options.Scale[app] = scale;
    }
    // A handful of shoppers make every checkout: the per-user windows would answer 429.
    options.AppEnvironment["gateway"] = new Dictionary<string, string?>
    {
        ["Gateway__RateLimits__Strict__PermitLimit"] = "1000000000",
        ["Gateway__RateLimits__PerUser__PermitLimit"] = "1000000000",
    };
    options.AppEnvironment["identity-service"] = new Dictionary<string, string?>
    {
        ["Identity__RateLimits__Register__PermitLimit"] = "100000",
        ["Identity__RateLimits__Login__PermitLimit"] = "100000",
    };
    // Quiet children: the mesh's per-request lines would weigh on what is measured.
    options.OnOutput = line => { if (line.IsError) { Console.WriteLine($"[{line.Source}] {line.Text}"); } };
    using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(6));
    options.ReadyTimeout = TimeSpan.FromMinutes(5);
    await using var mesh = await MeshHost.StartAsync(options, startup.Token);
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = mesh.GatewayUrl, Timeout = TimeSpan.FromSeconds(40) };

    var (variant, shoppers) = await PrepareAsync(http);
    Console.WriteLine($"prepared: variant {variant}, {shoppers.Count} shoppers; warm-up");
    await PacedAsync(http, variant, shoppers, Math.Max(1, rate / 2), 5, mesh.KafkaBootstrapServers);

    Console.WriteLine($"paced: {rate}/s for {seconds} s");
    var paced = await PacedAsync(http, variant, shoppers, rate, seconds, mesh.KafkaBootstrapServers);
    Console.WriteLine($"saturated: {clients} clients for {seconds} s");
    var saturated = await SaturatedAsync(http, variant, shoppers, clients, seconds);
    var row = new Row(scale, paced, saturated);
    rows.Add(row);
    Console.WriteLine(row);
    Console.WriteLine("not confirmed so far: " + string.Join(", ", outcomes.Select(o => $"{o.Key} x{o.Value}")));
}

await File.WriteAllTextAsync(output, Report());
Console.WriteLine($"wrote {output}");
return 0;

async Task<(Guid Variant, List<Shopper> Shoppers)> PrepareAsync(HttpClient http)
{
    var owner = await LoginAsync(http, DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);
    var tag = Guid.NewGuid().ToString("N")[..8];
    var product = await SendAsync(http, HttpMethod.Post, "/api/products", owner, new
    {
        shopId = new Guid("00000000-0000-4000-b000-000000000001"),
        categoryId = new Guid("00000000-0000-4000-9000-000000000005"),
        name = $"Bench Lantern {tag}",
        description = "For the checkout benchmark",
        price = 9.90m,
        currency = "EUR",
        variants = new[] { new { sku = $"{tag}-1", name = "Standard", price = 9.90m, stock = 100_000 } },
    }, HttpStatusCode.Created);
    var variant = product.GetProperty("variants")[0].GetProperty("id").GetGuid();
    var shoppers = new List<Shopper>();
    for (var i = 0; i < 16; i++)
    {
        var email = $"bench-{Guid.NewGuid():N}@example.test";
        const string password = "checkout benchmark password 1";
        await SendAsync(http, HttpMethod.Post, "/api/auth/register", null, new { email, password, name = "Checkout Bench" }, HttpStatusCode.Created);
        var token = await LoginAsync(http, email, password);
        await SendAsync(http, HttpMethod.Post, "/api/addresses", token, new
        {
            label = "Home",
            recipientName = "Ada Bench",
            line1 = "1 Analytical Lane",
            city = "London",
            postalCode = "N1 1AA",
            country = "GB",
            phone = "+44 20 7946 0000",
        }, HttpStatusCode.Created);
        await SendAsync(http, HttpMethod.Post, "/api/payment-methods", token, new Dictionary<string, object?>
        {
            ["payment_type"] = "Card",
            ["details"] = new Dictionary<string, object?> { ["card_number"] = "4242424242424242", ["expiry_month"] = 12, ["expiry_year"] = DateTime.UtcNow.Year + 3, ["cvc"] = "123" },
        }, HttpStatusCode.Created);
        shoppers.Add(new Shopper(token));
    }
    return (variant, shoppers);
}

// One checkout: request -> the answer that says CONFIRMED (order-service holds the request until the outcome).
async Task<(bool Confirmed, double Milliseconds)> CheckoutAsync(HttpClient http, Guid variant, Shopper shopper)
{
    var clock = Stopwatch.StartNew();
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders?waitSeconds=30") { Content = JsonContent.Create(new { variantId = variant, quantity = 1 }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", shopper.Token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode is 200 or 202 ? JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() : null;
        var confirmed = response.StatusCode == HttpStatusCode.OK && status == "CONFIRMED";
        if (!confirmed)
        {
            outcomes.AddOrUpdate($"{(int)response.StatusCode} {status}".Trim(), 1, (_, n) => n + 1);
        }
        return (confirmed, clock.Elapsed.TotalMilliseconds);
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        outcomes.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
        return (false, clock.Elapsed.TotalMilliseconds);
    }
}

async Task<Paced> PacedAsync(HttpClient http, Guid variant, List<Shopper> shoppers, int perSecond, int duration, string bootstrapServers)
{
    using var hopStop = new CancellationTokenSource();
    var hop = Task.Run(() => BareHop(bootstrapServers, hopStop.Token));
    var tasks = new List<Task<(bool Confirmed, double Milliseconds)>>();
    var clock = Stopwatch.StartNew();
    var total = perSecond * duration;
    for (var i = 0; i < total; i++)
    {
        // Open loop: the i-th checkout starts at i/rate seconds whatever the earlier ones are doing.
        var due = TimeSpan.FromSeconds((double)i / perSecond) - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
        tasks.Add(CheckoutAsync(http, variant, shoppers[i % shoppers.Count]));
    }
    var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));
    var elapsed = clock.Elapsed.TotalSeconds;
    await hopStop.CancelAsync();
    var hops = await hop.WaitAsync(TimeSpan.FromSeconds(30));
    var confirmed = results.Where(r => r.Confirmed).Select(r => r.Milliseconds).Order().ToList();
    return new Paced(perSecond, total, confirmed.Count, confirmed.Count / elapsed, Percentile(confirmed, 50), Percentile(confirmed, 99),
        confirmed.Count == 0 ? double.NaN : confirmed[^1], Percentile(hops, 50), Percentile(hops, 99), hops.Count);
}

async Task<Saturated> SaturatedAsync(HttpClient http, Guid variant, List<Shopper> shoppers, int concurrency, int duration)
{
    var deadline = Stopwatch.StartNew();
    var confirmed = new ConcurrentBag<double>();
    var failed = 0;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async c =>
    {
        for (var i = 0; deadline.Elapsed < TimeSpan.FromSeconds(duration) && i < 100_000; i++)
        {
            var (ok, ms) = await CheckoutAsync(http, variant, shoppers[(c + i) % shoppers.Count]);
            if (ok)
            {
                confirmed.Add(ms);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }
    }));
    var all = confirmed.Order().ToList();
    return new Saturated(concurrency, all.Count / deadline.Elapsed.TotalSeconds, Percentile(all, 50), Percentile(all, 99), failed);
}

// The bare hop: a Confluent.Kafka producer and consumer on the same broker, no database, no outbox, no inbox.
static List<double> BareHop(string bootstrapServers, CancellationToken stop)
{
    var topic = "bench.hop." + Guid.NewGuid().ToString("N")[..8];
    var sent = new ConcurrentDictionary<string, long>();
    var latencies = new List<double>();
    using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 0, Acks = Acks.All }).Build();
    using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
    {
        BootstrapServers = bootstrapServers,
        GroupId = "bench-hop-" + Guid.NewGuid().ToString("N"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchWaitMaxMs = 10,
        EnableAutoCommit = true,
    }).Build();
    // The mock broker creates the topic on first use; the first message is not timed (group join).
    producer.Produce(topic, new Message<string, string> { Key = "warm", Value = "warm" });
    producer.Flush(TimeSpan.FromSeconds(10));
    consumer.Subscribe(topic);
    var next = Stopwatch.GetTimestamp();
    for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
    {
        if (Stopwatch.GetTimestamp() >= next)
        {
            var key = i.ToString(CultureInfo.InvariantCulture);
            sent[key] = Stopwatch.GetTimestamp();
            producer.Produce(topic, new Message<string, string> { Key = key, Value = "hop" });
            next += Stopwatch.Frequency / 20;
        }
        if (consumer.Consume(TimeSpan.FromMilliseconds(5)) is { IsPartitionEOF: false } result && sent.TryRemove(result.Message.Key, out var at))
        {
            latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        }
    }
    consumer.Close();
    latencies.Sort();
    return latencies;
}

static double Percentile(IReadOnlyList<double> sorted, int percentile) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

async Task<string> LoginAsync(HttpClient http, string email, string password) =>
    (await SendAsync(http, HttpMethod.Post, "/api/auth/login", null, new { email, password }, HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;

// The gateway learns new instances from the registry every few seconds: a fresh route may answer 503 at first.
static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body, HttpStatusCode expected)
{
    for (var attempt = 1; ; attempt++)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == expected)
        {
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
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
    var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
    static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0", CultureInfo.InvariantCulture);
    static string F1(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0", CultureInfo.InvariantCulture);
    var paced = string.Join('\n', rows.Select(r =>
        $"| {r.Scale} | {r.Paced.Rate} | {r.Paced.Confirmed}/{r.Paced.Sent} | {F1(r.Paced.PerSecond)} | {F(r.Paced.P50)} | {F(r.Paced.P99)} | {F(r.Paced.Max)} | {F1(r.Paced.HopP50)} | {F1(r.Paced.HopP99)} | {F1(r.Paced.P99 / r.Paced.HopP99)} | {(r.Paced.Confirmed == r.Paced.Sent && r.Paced.P99 < 1000 ? "met" : "not met")} |"));
    var saturated = string.Join('\n', rows.Select(r =>
        $"| {r.Scale} | {r.Saturated.Clients} | {F1(r.Saturated.PerSecond)} | {F(r.Saturated.P50)} | {F(r.Saturated.P99)} | {r.Saturated.Failed} |"));
    return $"""
        # Checkout benchmark

        Generated by `bench/checkout/run.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Loopback only.

        The mesh: broker (mock Kafka), discovery, the gateway, identity-, shop-, product-, address-, payment- and
        order-service as real processes (Release), each service on its own PostgreSQL database, the payment sandbox
        (tools/EStore.PaymentSandbox) as the provider; "instances" is the number of instances of each service. 16
        shoppers (each with an address and a card) buy one unit of a product with ample stock:
        `POST /api/orders?waitSeconds=30` through the gateway (JWT), timed from the request to the answer saying
        `CONFIRMED`. That is the whole saga: order-service reads the variant, address, card and e-mail from four services
        and stores the order with `OrderCreated`; product-service reserves (`StockReserved`); payment-service charges at
        the provider and publishes `PaymentSucceeded`; order-service confirms; order-service's waiting request notices
        (it looks every 100 ms) and answers. Three Kafka hops, each through an outbox, the broker and an inbox.

        The bare hop: in the same run, while the checkouts go on, one message every 50 ms produced and consumed by a
        plain Confluent.Kafka producer and consumer on the same broker (no database, no outbox, no inbox).

        ## (a) Paced: a fixed rate of checkouts, open loop ({seconds} s, after a 5 s warm-up at half the rate)

        | Instances | Offered /s | Confirmed | Confirmed /s | p50 ms | p99 ms | max ms | bare hop p50 ms | bare hop p99 ms | p99 / hop p99 | Target (all confirmed, p99 < 1 s) |
        |---|---|---|---|---|---|---|---|---|---|---|
        {paced}

        ## (b) Saturated: {clients} clients checking out back to back ({seconds} s)

        | Instances | Clients | Confirmed /s | p50 ms | p99 ms | Not confirmed |
        |---|---|---|---|---|---|
        {saturated}

        Checkouts not confirmed over the whole run (warm-up included), by answer: {(outcomes.IsEmpty ? "none" : string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} x{o.Value}")))}.

        Machine: {Environment.ProcessorCount} cores ({cpu}), .NET {Environment.Version}. The whole mesh (up to 16
        service processes), PostgreSQL, the broker, the sandbox, this client and (on a shared development machine) other
        work share the same cores: a second instance of each service adds processes to the same two cores, so it shows
        the cost of coordination (consumer groups, shared rows) more than added capacity.

        Reproduce: `bench/checkout/run.sh` (optional: `RATE=20 DURATION=20 CLIENTS=16 SCALES=1,2 bench/checkout/run.sh`).

        """;
}

internal sealed record Shopper(string Token);

internal sealed record Paced(int Rate, int Sent, int Confirmed, double PerSecond, double P50, double P99, double Max, double HopP50, double HopP99, int Hops);

internal sealed record Saturated(int Clients, double PerSecond, double P50, double P99, int Failed);

internal sealed record Row(int Scale, Paced Paced, Saturated Saturated);
