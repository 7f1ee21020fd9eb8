using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Messaging.Bench;
using Npgsql;

// Bounded: every wait has a timeout, every scenario a fixed event count.
var options = BenchOptions.Parse(args);
var server = Environment.GetEnvironmentVariable("ESTORE_TEST_POSTGRES") is { Length: > 0 } configured
    ? configured
    : "Host=127.0.0.1;Port=5432;Username=estore;Password=estore";
var payload = Encoding.UTF8.GetBytes(EventJson.Serialize(Orders.New()));
Console.WriteLine($"messaging bench: {options.Count} events saturated, {options.Rate}/s for {options.Seconds}s paced, {options.Rounds} rounds; payload {payload.Length} bytes");

var results = new List<(string Pipeline, int Consumers, string Load, Measurement Result)>();
for (var round = 1; round <= options.Rounds; round++)
{
    foreach (var consumers in new[] { 1, 2 })
    {
        foreach (var (load, rate, count) in new[] { ("saturated", 0.0, options.Count), ("paced", options.Rate, (int)(options.Rate * options.Seconds)) })
        {
            var bare = await Bare.RunAsync(consumers, count, rate, payload, options.FetchWaitMs);
            results.Add(("bare Confluent.Kafka", consumers, load, bare));
            Console.WriteLine($"round {round}: bare     {consumers} consumer(s) {load,-9} {bare}");
            var platform = await Platform.RunAsync(consumers, count, rate, server, options.FetchWaitMs);
            results.Add(("EStore outbox + inbox", consumers, load, platform));
            Console.WriteLine($"round {round}: platform {consumers} consumer(s) {load,-9} {platform}");
        }
    }
}

var report = Report.Write(results, options, payload.Length, server);
if (options.Out is { } file)
{
    await File.WriteAllTextAsync(file, report);
    Console.WriteLine($"wrote {file}");
}
else
{
    Console.WriteLine(report);
}
return 0;

internal sealed record BenchOptions(int Count, int Rate, int Seconds, int Rounds, int FetchWaitMs, string? Out)
{
    public static BenchOptions Parse(string[] args)
    {
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var options = new BenchOptions(Int("--count", 3000), Int("--rate", 200), Int("--seconds", 8), Int("--rounds", 3), Int("--fetch-wait-ms", 10), Value("--out"));
        if (options.Count is < 100 or > 100_000 || options.Rate is < 1 or > 5000 || options.Seconds is < 1 or > 60 || options.Rounds is < 1 or > 10 || options.FetchWaitMs is < 1 or > 1000)
        {
            throw new ArgumentException("bounds: --count 100..100000, --rate 1..5000, --seconds 1..60, --rounds 1..10, --fetch-wait-ms 1..1000");
        }
        return options;
    }
}

/// <summary>Throughput from the first write to the last handled event, and per-event latency.</summary>
internal sealed record Measurement(int Events, double EventsPerSecond, double P50Ms, double P99Ms)
{
    public static Measurement From(int events, long start, long end, IReadOnlyCollection<double> latenciesMs)
    {
        var sorted = latenciesMs.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new Measurement(events, events / Stopwatch.GetElapsedTime(start, end).TotalSeconds, Percentile(0.50), Percentile(0.99));
    }

    public override string ToString() => $"{EventsPerSecond,8:0} events/s  p50 {P50Ms,6:0.0} ms  p99 {P99Ms,7:0.0} ms";
}

internal static class Orders
{
    public static OrderCreated New() => new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(),
        [
            new OrderLine(Guid.NewGuid(), Guid.NewGuid(), null, Guid.NewGuid(), "Stoneware mug, 350 ml", 2, new Money(12.50m, "EUR")),
            new OrderLine(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Assam tea, loose leaf, 250 g", 1, new Money(8.90m, "EUR")),
        ],
        new Money(33.90m, "EUR"),
        new AddressSnapshot("Ada Lovelace", "1 Analytical Way", "Flat 2", "London", "N1 1AA", "GB"))
    {
        OccurredAt = DateTimeOffset.UtcNow,
    };

    public static async Task PaceAsync(int index, double rate, long start)
    {
        if (rate <= 0)
        {
            return;
        }
        var due = TimeSpan.FromSeconds(index / rate) - Stopwatch.GetElapsedTime(start);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
    }

    public static async Task<MeshBroker> StartBrokerAsync(string topic)
    {
        var options = new MeshBrokerOptions { Layout = RepositoryLayout.Discover() };
        options.Topics.Add($"{topic}:6");
        options.Topics.Add($"{Topics.DeadLetterOf(topic)}:6");
        return await MeshBroker.StartAsync(options).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static async Task UntilAsync(Func<bool> done, string what, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(20);
        }
    }
}

/// <summary>The peer: an idempotent producer (acks=all) and plain consumers in one group, nothing else.</summary>
internal static class Bare
{
    private const string Topic = "bench.bare";
    private const int Warmup = 200;

    public static async Task<Measurement> RunAsync(int consumers, int count, double rate, byte[] payload, int fetchWaitMs)
    {
        await using var broker = await Orders.StartBrokerAsync(Topic);
        var received = 0;
        var assigned = 0;
        var lastReceived = 0L;
        var latencies = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var threads = Enumerable.Range(0, consumers).Select(_ => new Thread(() =>
        {
            using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = broker.BootstrapServers,
                GroupId = "bare",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                FetchWaitMaxMs = fetchWaitMs,
                SessionTimeoutMs = 10000,
                HeartbeatIntervalMs = 1000,
            }).SetPartitionsAssignedHandler((_, p) => Interlocked.Add(ref assigned, p.Count)).Build();
            consumer.Subscribe(Topic);
            while (!stop.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } result)
                {
                    continue;
                }
                var now = Stopwatch.GetTimestamp();
                if (result.Message.Key != "warmup")
                {
                    latencies.Add(Stopwatch.GetElapsedTime(BitConverter.ToInt64(result.Message.Headers.GetLastBytes("t")), now).TotalMilliseconds);
                    Interlocked.Exchange(ref lastReceived, now);
                }
                Interlocked.Increment(ref received);
            }
            consumer.Close();
        })).ToList();
        threads.ForEach(t => t.Start());
        try
        {
            await Orders.UntilAsync(() => Volatile.Read(ref assigned) >= 6, "bare consumers to be assigned", TimeSpan.FromSeconds(30));
            using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
            {
                BootstrapServers = broker.BootstrapServers,
                EnableIdempotence = true,
                Acks = Acks.All,
                LingerMs = 1,
            }).Build();
            for (var i = 0; i < Warmup; i++)
            {
                producer.Produce(Topic, new Message<string, byte[]> { Key = "warmup", Value = payload, Headers = [new Header("t", BitConverter.GetBytes(0L))] });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
            await Orders.UntilAsync(() => Volatile.Read(ref received) >= Warmup, "the warm-up messages", TimeSpan.FromSeconds(30));

            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                await Orders.PaceAsync(i, rate, start);
                var headers = new Headers { { "t", BitConverter.GetBytes(Stopwatch.GetTimestamp()) } };
                producer.Produce(Topic, new Message<string, byte[]> { Key = Guid.NewGuid().ToString(), Value = payload, Headers = headers });
            }
            producer.Flush(TimeSpan.FromSeconds(60));
            await Orders.UntilAsync(() => Volatile.Read(ref received) >= Warmup + count, "the bare consumers", TimeSpan.FromSeconds(120));
            return Measurement.From(count, start, Interlocked.Read(ref lastReceived), latencies);
        }
        finally
        {
            await stop.CancelAsync();
            threads.ForEach(t => t.Join(TimeSpan.FromSeconds(30)));
        }
    }
}

/// <summary>The platform: commit (state + outbox) -> relay -> broker -> consumer -> handler transaction commit.</summary>
internal static class Platform
{
    private const int Warmup = 200;
    private const int Writers = 4;

    public static async Task<Measurement> RunAsync(int consumers, int count, double rate, string server, int fetchWaitMs)
    {
        await using var broker = await Orders.StartBrokerAsync(Topics.Order);
        var database = new NpgsqlConnectionStringBuilder(server) { Database = $"bench_msg_{Guid.NewGuid():N}"[..30] }.ConnectionString;
        try
        {
            await using var publisher = await BenchHost.StartAsync(broker.BootstrapServers, database, relay: true, consume: false, fetchWaitMs);
            var hosts = new List<BenchHost>();
            try
            {
                for (var i = 0; i < consumers; i++)
                {
                    hosts.Add(await BenchHost.StartAsync(broker.BootstrapServers, database, relay: false, consume: true, fetchWaitMs));
                }
                var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
                while ((await Task.WhenAll(hosts.Select(h => h.AssignedPartitionsAsync()))).Sum() < 6 || hosts.Count > 1 && (await Task.WhenAll(hosts.Select(h => h.AssignedPartitionsAsync()))).Any(p => p == 0))
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        throw new TimeoutException("consumers were not assigned the 6 partitions");
                    }
                    await Task.Delay(100);
                }

                Clock.Reset();
                for (var i = 0; i < Warmup; i++)
                {
                    await publisher.CommitAsync(Orders.New());
                }
                await Orders.UntilAsync(() => Clock.Handled.Count >= Warmup, "the warm-up events", TimeSpan.FromSeconds(60));
                Clock.Reset();

                var start = Stopwatch.GetTimestamp();
                if (rate > 0)
                {
                    for (var i = 0; i < count; i++)
                    {
                        await Orders.PaceAsync(i, rate, start);
                        await publisher.CommitAsync(Orders.New());
                    }
                }
                else
                {
                    // Several writers, one event per transaction: what concurrent requests would do.
                    await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
                    {
                        for (var i = w; i < count; i += Writers)
                        {
                            await publisher.CommitAsync(Orders.New());
                        }
                    }));
                }
                var written = Stopwatch.GetElapsedTime(start);
                await Orders.UntilAsync(() => Clock.Handled.Count >= count, "the handlers", TimeSpan.FromSeconds(180));
                Console.WriteLine($"  (platform: {count} commits took {written.TotalSeconds:0.00} s, handling finished after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.00} s)");
                var latencies = Clock.Handled.Select(h => Stopwatch.GetElapsedTime(Clock.Committed[h.Key], h.Value).TotalMilliseconds).ToList();
                return Measurement.From(count, start, Clock.Handled.Values.Max(), latencies);
            }
            finally
            {
                foreach (var host in hosts)
                {
                    await host.DisposeAsync();
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            // FORCE cannot end an autovacuum worker (the superuser's): retry a few times.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)", admin);
                    await drop.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 10)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
        }
    }
}

internal static class Report
{
    // Holds whatever the figures: what each number is bounded by.
    private const string Reading = """
        Reading the numbers:
        - The EStore throughput is the consumer side's: every event is one PostgreSQL transaction (inbox row with
          `ON CONFLICT DO NOTHING`, the handler's insert, commit) on one thread per instance, so a second instance
          nearly doubles it. The bare loop touches no database: the ratio is the price of exactly-once effects and
          durable publishing, not of the Kafka client.
        - Saturated latency is queueing: the writers commit all events faster than the consumers drain them.
        - Paced latency is one saga hop: commit, relay wake-up and claim, produce and ack, fetch (at most the fetch
          wait), handler transaction.
        - Headroom not taken: several events per consumer transaction, relay batches in flight while the next is
          claimed. One event per transaction keeps each handler's scope, retries and dead-lettering separate.
        """;

    public static string Write(List<(string Pipeline, int Consumers, string Load, Measurement Result)> results, BenchOptions options, int payloadBytes, string server)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
        Measurement Summary(string pipeline, int consumers, string load)
        {
            var runs = results.Where(r => r.Pipeline == pipeline && r.Consumers == consumers && r.Load == load).Select(r => r.Result).ToList();
            return new Measurement(runs[0].Events, Median(runs.Select(r => r.EventsPerSecond)), Median(runs.Select(r => r.P50Ms)), Median(runs.Select(r => r.P99Ms)));
        }
        const string Bare = "bare Confluent.Kafka";
        const string Platform = "EStore outbox + inbox";
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine("# Messaging benchmark: outbox -> relay -> broker -> handler commit");
        text.AppendLine();
        text.AppendLine(invariant, $"Generated by `bench/messaging/run.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Medians of {options.Rounds} rounds.");
        text.AppendLine();
        text.AppendLine("Setup: one machine, loopback only. Broker: `tools/EStore.Broker` (librdkafka's mock cluster) as its own process,");
        text.AppendLine(invariant, $"one topic with 6 partitions, created fresh per run. Payload: an `OrderCreated` event, {payloadBytes} bytes of JSON, a new key each.");
        text.AppendLine("- **EStore**: an in-process publisher instance commits one event per transaction (4 concurrent writers when saturated) into");
        text.AppendLine("  the PostgreSQL outbox; its relay publishes (idempotent producer, acks=all); 1 or 2 consumer instances (one group) run the");
        text.AppendLine("  handler, which inserts one row, in a transaction with the inbox row. Latency: producing commit -> handler commit.");
        text.AppendLine("- **Bare**: the same broker and payload, an idempotent producer (acks=all, linger 1 ms as the relay) and 1 or 2 plain consumers in");
        text.AppendLine("  one group (auto-commit), no database. Latency: produce call -> message consumed.");
        text.AppendLine(invariant, $"- Saturated: {options.Count} events as fast as possible; throughput is events / (first write -> last handled).");
        text.AppendLine(invariant, $"- Paced: {options.Rate} events/s for {options.Seconds} s; the latency that matters for the saga. 200 warm-up events before each run.");
        text.AppendLine(invariant, $"- Both pipelines' consumers use `fetch.wait.max.ms={options.FetchWaitMs}`, session 10 s, heartbeat 1 s: the mock broker holds every fetch for the");
        text.AppendLine("  full wait even when data arrives, so with the 500 ms default both would measure mostly the broker's wait.");
        text.AppendLine();
        text.AppendLine("| Consumers | Pipeline | Saturated events/s | Saturated p99 (ms) | Paced p50 (ms) | Paced p99 (ms) |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|");
        foreach (var consumers in new[] { 1, 2 })
        {
            foreach (var pipeline in new[] { Bare, Platform })
            {
                var saturated = Summary(pipeline, consumers, "saturated");
                var paced = Summary(pipeline, consumers, "paced");
                text.AppendLine(invariant, $"| {consumers} | {pipeline} | {saturated.EventsPerSecond:0} | {saturated.P99Ms:0.0} | {paced.P50Ms:0.0} | {paced.P99Ms:0.0} |");
            }
        }
        text.AppendLine();
        text.AppendLine("| Consumers | EStore / bare throughput | EStore - bare paced p99 |");
        text.AppendLine("|---:|---:|---:|");
        foreach (var consumers in new[] { 1, 2 })
        {
            var bare = Summary(Bare, consumers, "saturated");
            var platform = Summary(Platform, consumers, "saturated");
            var extra = Summary(Platform, consumers, "paced").P99Ms - Summary(Bare, consumers, "paced").P99Ms;
            text.AppendLine(invariant, $"| {consumers} | {platform.EventsPerSecond / bare.EventsPerSecond:0.000} ({platform.EventsPerSecond:0} / {bare.EventsPerSecond:0}) | +{extra:0.0} ms |");
        }
        text.AppendLine();
        text.AppendLine(Reading);
        text.AppendLine();
        text.AppendLine("Every round:");
        text.AppendLine();
        text.AppendLine("| Consumers | Pipeline | Load | events/s | p50 (ms) | p99 (ms) |");
        text.AppendLine("|---:|---|---|---:|---:|---:|");
        foreach (var (pipeline, consumers, load, result) in results)
        {
            text.AppendLine(invariant, $"| {consumers} | {pipeline} | {load} | {result.EventsPerSecond:0} | {result.P50Ms:0.0} | {result.P99Ms:0.0} |");
        }
        text.AppendLine();
        text.AppendLine(invariant, $"Machine: {Environment.ProcessorCount} cores ({CpuModel()}), load average at the end {LoadAverage()}; .NET {Environment.Version};");
        text.AppendLine(invariant, $"librdkafka {Library.VersionString}; {PostgresVersion(server)}. Other processes shared the cores: compare ratios, not absolutes.");
        text.AppendLine();
        text.AppendLine(invariant, $"Reproduce: `bench/messaging/run.sh` (options: `--count {options.Count} --rate {options.Rate} --seconds {options.Seconds} --rounds {options.Rounds} --fetch-wait-ms {options.FetchWaitMs}`; needs PostgreSQL as for `./estore test`, `ESTORE_TEST_POSTGRES`).");
        return text.ToString();
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?" : "?";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string PostgresVersion(string server)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SHOW server_version", connection);
        return $"PostgreSQL {command.ExecuteScalar()}";
    }
}
