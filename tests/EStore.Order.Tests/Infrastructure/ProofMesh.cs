using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Mesh;
using Npgsql;

namespace EStore.Order.Tests.Infrastructure;

/// <summary>
/// <see cref="OrderMesh"/> scaled for the saga's proofs: two product-service and two order-service instances (each pair
/// one consumer group on one database), every process exporting its spans to a <see cref="ZipkinCollector"/> in this
/// process. The proofs load it, freeze its broker and kill its payment-service, so it is a mesh of its own.
/// </summary>
public sealed class ProofMesh : OrderMesh
{
    private readonly ConcurrentQueue<string> _failures = new();

    public ZipkinCollector Zipkin { get; private set; } = null!;

    /// <summary>The processes' latest error lines (for failure messages: the children's logs are not in the test's output).</summary>
    public string RecentFailures => string.Join('\n', _failures.TakeLast(30));

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        await base.ConfigureAsync(options);
        Zipkin = Own(await ZipkinCollector.StartAsync());
        options.ZipkinEndpoint = Zipkin.Endpoint.ToString();
        options.Environment["Zipkin__ScheduledDelayMilliseconds"] = "200";
        options.Scale["product-service"] = 2;
        options.Scale["order-service"] = 2;
        // The PostgreSQL server (max_connections 100) is shared by this mesh's 12 service processes and whatever else
        // runs on the machine: small pools make a burst wait for a connection instead of being refused one.
        foreach (var (app, database) in options.Databases.ToList())
        {
            options.Databases[app] = database with { ConnectionString = database.ConnectionString.TrimEnd(';') + ";Maximum Pool Size=5" };
        }
        options.OnOutput = line =>
        {
            if (line.IsError || line.Text.StartsWith("fail:", StringComparison.Ordinal) || line.Text.StartsWith("crit:", StringComparison.Ordinal))
            {
                _failures.Enqueue($"[{line.Source}] {line.Text}");
                while (_failures.Count > 200 && _failures.TryDequeue(out _))
                {
                }
            }
        };
    }

    /// <summary>
    /// Waits until the instances of <paramref name="app"/> share the partitions of the topics they consume (each holds
    /// some), so that both take part in what follows instead of one holding all until a rebalance.
    /// </summary>
    public async Task WaitForPartitionsSplitAsync(string app)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.GetAsync(
            async () =>
            {
                var assigned = new List<int>();
                foreach (var instance in Mesh.GetInstances(app))
                {
                    // Health details (assigned partitions) answer on the management port only.
                    var body = await http.GetFromJsonAsync<JsonElement>(new Uri(instance.ManagementUrl ?? instance.BaseUrl, "actuator/health/kafka"));
                    assigned.Add(body.TryGetProperty("details", out var details) && details.TryGetProperty("assignedPartitions", out var count) ? count.GetInt32() : 0);
                }
                return assigned;
            },
            assigned => assigned.Count == 2 && assigned.All(a => a > 0),
            $"the two {app} instances to share the partitions", TimeSpan.FromSeconds(90), describe: assigned => "assigned " + string.Join("/", assigned));
    }

    /// <summary>How many events of <paramref name="eventType"/> each instance of <paramref name="app"/> handled (its messaging counter).</summary>
    public async Task<Dictionary<string, double>> HandledPerInstanceAsync(string app, string eventType)
    {
        var counts = new Dictionary<string, double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var instance in Mesh.GetInstances(app))
        {
            using var response = await http.GetAsync(new Uri(instance.ManagementUrl!, $"actuator/metrics/estore.messaging.consumed?tag=event_type:{eventType}&tag=outcome:handled"));
            // 404: the instance has not handled a single one (no measurement with these tags).
            counts[instance.Name] = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("measurements").EnumerateArray().Sum(m => m.GetProperty("value").GetDouble())
                : 0;
        }
        return counts;
    }

    /// <summary>
    /// Waits until the variant's row in product-service's database (both instances share it) holds
    /// <paramref name="stock"/> units on hand and <paramref name="reserved"/> held: sold units are committed (gone from
    /// stock), not merely reserved, which the public <c>available</c> (stock minus reserved) cannot tell apart.
    /// </summary>
    public Task<(int Stock, int Reserved)> StockWhenAsync(Guid variantId, int stock, int reserved, string what) =>
        Eventually.GetAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(DatabaseOf("product-service"));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT "Stock", "Reserved" FROM product_variants WHERE "Id" = @id""", connection);
            command.Parameters.AddWithValue("id", variantId);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"variant {variantId} is missing");
            return (reader.GetInt32(0), reader.GetInt32(1));
        }, s => s == (stock, reserved), what, TimeSpan.FromSeconds(90));

    /// <summary><paramref name="count"/> new verified customers with a default address and card, registered a few at a time.</summary>
    public async Task<List<Shopper>> RegisterManyAsync(int count, string card = "4242424242424242")
    {
        using var gate = new SemaphoreSlim(4);
        return [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await RegisterAsync(card);
            }
            finally
            {
                gate.Release();
            }
        }))];
    }

    /// <summary>Buys one unit of <paramref name="variantId"/> now (a checkout of one order): the answer, 202 or a refusal.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> BuyAsync(Shopper shopper, Guid variantId) =>
        SendAsync(HttpMethod.Post, "/api/orders", new { variantId, quantity = 1 }, shopper.Token, Guid.NewGuid().ToString());

    /// <summary>
    /// The shoppers' orders once none of <paramref name="ids"/> is PENDING (each customer's own list, as they would
    /// follow it), by id.
    /// </summary>
    public async Task<Dictionary<Guid, JsonElement>> SettledAsync(IEnumerable<Shopper> shoppers, IReadOnlyCollection<Guid> ids, TimeSpan timeout)
    {
        var wanted = ids.ToHashSet();
        var owners = shoppers.ToList();
        return await Eventually.GetAsync(
            async () =>
            {
                var seen = new Dictionary<Guid, JsonElement>();
                foreach (var shopper in owners)
                {
                    var page = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders?size=100", null, shopper.Token);
                    foreach (var order in page.GetProperty("items").EnumerateArray().Where(o => wanted.Contains(o.GetProperty("id").GetGuid())))
                    {
                        seen[order.GetProperty("id").GetGuid()] = order;
                    }
                }
                return seen;
            },
            seen => seen.Count == wanted.Count && seen.Values.All(o => Status(o) is "CONFIRMED" or "CANCELLED"),
            $"all {wanted.Count} orders CONFIRMED or CANCELLED", timeout,
            describe: seen => $"{seen.Count} found: " + string.Join(", ", seen.Values.GroupBy(Status).Select(g => $"{g.Key} x{g.Count()}")));
    }
}

[CollectionDefinition(Name)]
public sealed class ProofMeshCollection : ICollectionFixture<ProofMesh>
{
    public const string Name = "proof mesh";
}
