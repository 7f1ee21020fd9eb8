using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using Npgsql;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// Broker, discovery, gateway and TWO product-service instances on one PostgreSQL database, both members of the
/// product-service consumer group. The tests play order-service: they produce order events exactly as its outbox
/// relay would and read what product-service answers on product.events.
/// </summary>
public sealed class OversellMeshFixture : IAsyncLifetime
{
    public static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<ConsumeResult<string, string>> _productEvents = new();
    private readonly CancellationTokenSource _stopReading = new();
    private Task? _reader;
    private IProducer<string, string>? _producer;

    public string Database { get; } = TestPostgres.NewDatabase("oversell");

    public MeshHost Mesh { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = ProductMeshFixture.Options(Database);
        options.Scale["product-service"] = 2;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Mesh = await MeshHost.StartAsync(options, timeout.Token);
        // Both instances must hold their share of the partitions before the orders arrive, or one instance would
        // take them all and a rebalance would move them mid-test.
        await WaitForPartitionsSplitAsync(timeout.Token);
        _producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = Mesh.KafkaBootstrapServers,
            // As the outbox relay produces: idempotent, acknowledged by all replicas, Java-compatible partitioner.
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
            Partitioner = Confluent.Kafka.Partitioner.Murmur2Random,
            MessageTimeoutMs = 15000,
        }).Build();
        _reader = Task.Factory.StartNew(ReadProductEvents, TaskCreationOptions.LongRunning);
    }

    public async Task DisposeAsync()
    {
        await _stopReading.CancelAsync();
        if (_reader is not null)
        {
            await _reader.WaitAsync(Bounded);
        }
        _producer?.Dispose();
        _stopReading.Dispose();
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
        await TestPostgres.DropAsync(Database);
    }

    /// <summary>Produces <paramref name="event"/> to order.events with the headers the relay writes; <paramref name="eventId"/> overrides the header.</summary>
    public Task ProduceAsync(IIntegrationEvent @event, Guid? eventId = null)
    {
        var type = EventTypeRegistry.Default.Get(@event.GetType());
        var message = new Message<string, string>
        {
            Key = @event.AggregateKey,
            Value = EventJson.Serialize(@event),
            Headers = new Headers
            {
                { EventHeaders.EventType, Encoding.UTF8.GetBytes(type.Name) },
                { EventHeaders.EventId, Encoding.UTF8.GetBytes((eventId ?? @event.EventId).ToString()) },
                { EventHeaders.TraceParent, Encoding.UTF8.GetBytes($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01") },
            },
        };
        return _producer!.ProduceAsync(type.Topic, message).WaitAsync(Bounded);
    }

    /// <summary>product.events messages about <paramref name="orderIds"/>, in arrival order.</summary>
    public List<ProductEvent> ProductEventsFor(IReadOnlySet<Guid> orderIds) =>
        [.. _productEvents
            .Select(r => (Result: r, OrderId: Guid.TryParse(r.Message.Key, out var id) ? id : Guid.Empty))
            .Where(r => orderIds.Contains(r.OrderId))
            .Select(r => new ProductEvent(Encoding.UTF8.GetString(r.Result.Message.Headers.GetLastBytes(EventHeaders.EventType)), r.OrderId, r.Result.Message.Value))];

    /// <summary>Polls until <paramref name="done"/> holds for the product events about <paramref name="orderIds"/>.</summary>
    public Task<List<ProductEvent>> WaitForProductEventsAsync(
        IReadOnlySet<Guid> orderIds, Func<List<ProductEvent>, bool> done, string what) =>
        Eventually.GetAsync(() => Task.FromResult(ProductEventsFor(orderIds)), done, what, Bounded,
            describe: events => $"{events.Count} events: " + string.Join(", ", events.GroupBy(e => e.Type).Select(g => $"{g.Key} x{g.Count()}")));

    /// <summary>Inserts a shop, a product and one variant with <paramref name="stock"/> units into product-service's database.</summary>
    public async Task<(Guid ProductId, Guid VariantId, Guid ShopId)> SeedVariantAsync(int stock)
    {
        var shopId = Guid.NewGuid();
        var productId = Guid.NewGuid();
        var variantId = Guid.NewGuid();
        var now = TimeProvider.System.GetUtcNow();
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO shops ("Id", "OwnerId", "Name", "NormalizedName", "Status") VALUES (@shop, @owner, @shopName, upper(@shopName), 'Active');
            INSERT INTO products ("Id", "Name", "Description", "Price", "Currency", "Category", "CategoryId", "ShopId", "CreatedAt", "UpdatedAt")
                VALUES (@product, @name, 'Limited edition, numbered.', 49.00, 'EUR', 'Outdoor', NULL, @shop, @now, @now);
            INSERT INTO product_variants ("Id", "ProductId", "Sku", "Name", "Price", "Stock", "Reserved", "LowStockThreshold")
                VALUES (@variant, @product, @sku, 'One size', 49.00, @stock, 0, 2);
            """, connection);
        command.Parameters.AddWithValue("shop", shopId);
        command.Parameters.AddWithValue("owner", Guid.NewGuid());
        command.Parameters.AddWithValue("shopName", $"Oversell Shop {shopId:N}"[..30]);
        command.Parameters.AddWithValue("product", productId);
        command.Parameters.AddWithValue("name", $"Numbered Lantern {productId:N}"[..30]);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("variant", variantId);
        command.Parameters.AddWithValue("sku", $"LANTERN-{variantId:N}"[..30]);
        command.Parameters.AddWithValue("stock", stock);
        await command.ExecuteNonQueryAsync();
        return (productId, variantId, shopId);
    }

    /// <summary>Stock, reserved units, reservation rows by state and the ledger's sum of deltas of one variant.</summary>
    public async Task<VariantState> ReadVariantAsync(Guid variantId)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT v."Stock", v."Reserved",
                   (SELECT count(*) FROM reservations r WHERE r."VariantId" = v."Id"),
                   (SELECT count(*) FROM reservations r WHERE r."VariantId" = v."Id" AND r."State" = 'Reserved'),
                   (SELECT count(*) FROM reservations r WHERE r."VariantId" = v."Id" AND r."State" = 'Committed'),
                   (SELECT count(*) FROM reservations r WHERE r."VariantId" = v."Id" AND r."State" = 'Released'),
                   (SELECT coalesce(sum(m."Delta"), 0) FROM stock_movements m WHERE m."VariantId" = v."Id"),
                   (SELECT count(*) FROM stock_movements m WHERE m."VariantId" = v."Id")
            FROM product_variants v WHERE v."Id" = @variant
            """, connection);
        command.Parameters.AddWithValue("variant", variantId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"variant {variantId} is missing");
        return new VariantState(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetInt64(6), reader.GetInt64(7));
    }

    /// <summary>How many OrderCreated events each product-service instance handled (its own messaging counter).</summary>
    public async Task<Dictionary<string, double>> OrderCreatedHandledPerInstanceAsync()
    {
        var counts = new Dictionary<string, double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var instance in Mesh.GetInstances("product-service"))
        {
            var url = new Uri(instance.ManagementUrl!, "actuator/metrics/estore.messaging.consumed?tag=event_type:OrderCreated&tag=outcome:handled");
            using var response = await http.GetAsync(url);
            // 404: the instance has not handled a single one (no measurement with these tags).
            counts[instance.Name] = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("measurements").EnumerateArray().Sum(m => m.GetProperty("value").GetDouble())
                : 0;
        }
        return counts;
    }

    private async Task WaitForPartitionsSplitAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var instances = Mesh.GetInstances("product-service");
        // shop.events and order.events, 6 partitions each, split between the two members.
        await Eventually.GetAsync(
            async () =>
            {
                var assigned = new List<int>();
                foreach (var instance in instances)
                {
                    // Health details (assigned partitions) answer on the management port only.
                    using var response = await http.GetAsync(new Uri(instance.ManagementUrl ?? instance.BaseUrl, "actuator/health/kafka"), cancellationToken);
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    assigned.Add(body.TryGetProperty("details", out var details) && details.TryGetProperty("assignedPartitions", out var count) ? count.GetInt32() : 0);
                }
                return assigned;
            },
            assigned => assigned.All(a => a > 0) && assigned.Sum() == 12,
            "the two product-service instances to split the partitions", Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(200),
            assigned => "assigned " + string.Join("/", assigned), cancellationToken);
    }

    private void ReadProductEvents()
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = Mesh.KafkaBootstrapServers,
            GroupId = "oversell-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 100,
        }).Build();
        consumer.Subscribe(Topics.Product);
        try
        {
            // Bounded by the fixture's lifetime: DisposeAsync cancels it.
            while (!_stopReading.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
                {
                    _productEvents.Enqueue(result);
                }
            }
        }
        finally
        {
            consumer.Close();
        }
    }
}

/// <summary>A message product-service published about an order.</summary>
public sealed record ProductEvent(string Type, Guid OrderId, string Payload);

/// <summary>One variant's stock as the database has it.</summary>
public sealed record VariantState(int Stock, int Reserved, long Reservations, long Held, long Committed, long Released, long LedgerDelta, long LedgerLines)
{
    public int Available => Stock - Reserved;
}
