using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Platform.Security;

namespace EStore.Catalog.Tests.Infrastructure;

/// <summary>
/// The mock broker, a test token issuer and product-service on its own database, seeded with the demo catalog
/// (<c>Demo:SeedData</c>): the seeded tests expect its exact products, the others create theirs in its categories.
/// Shops exist for product-service once their <c>ShopCreated</c> arrives: tests publish the events shop-service would.
/// </summary>
public sealed class CatalogStack : IAsyncLifetime
{
    private readonly string _database = TestPostgres.NewDatabase("catalog");

    public MeshBroker Broker { get; private set; } = null!;

    public TestTokens Tokens { get; private set; } = null!;

    public ProductApp Product { get; private set; } = null!;

    public string Admin => Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.Admin]);

    public async Task InitializeAsync()
    {
        Broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        Tokens = await TestTokens.StartAsync();
        var settings = ProductApp.Settings(Broker.BootstrapServers, _database, Tokens.JwksUrl);
        settings["Kafka:Consumer:session.timeout.ms"] = "6000";
        settings["Kafka:Consumer:heartbeat.interval.ms"] = "500";
        settings["Messaging:Consumer:CommitIntervalMs"] = "200";
        settings["Demo:SeedData"] = "true";
        Product = ProductApp.Start(settings);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await Product.Http.SendAsync(request);
    }

    public async Task<JsonElement> GetAsync(string path, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Publishes events as shop-service or order-service would, on their registered topics.</summary>
    public async Task PublishAsync(params IntegrationEvent[] events)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            EnableIdempotence = true,
            MessageTimeoutMs = 15000,
        }).Build();
        foreach (var @event in events)
        {
            await producer.ProduceAsync(EventTypeRegistry.Default.Get(@event.GetType()).Topic, new Message<string, string>
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
    }

    /// <summary>A shop owned by a new user, known to product-service; returns the owner's token.</summary>
    public async Task<(Guid ShopId, string OwnerToken)> NewShopAsync(string name, ShopStatus status = ShopStatus.Active)
    {
        var owner = Guid.NewGuid();
        var shopId = Guid.NewGuid();
        await PublishAsync(new ShopCreated(shopId, owner, name, "shop@example.test", status) { OccurredAt = DateTimeOffset.UtcNow });
        var token = Tokens.For(owner, [UserRoles.Customer, UserRoles.ShopOwner]);
        // The shop is known once its products list without a 404 from the ownership check: probe with a bad body.
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (true)
        {
            using var probe = await SendAsync(HttpMethod.Post, "/api/products", new { shopId }, token);
            if (probe.StatusCode == HttpStatusCode.UnprocessableEntity)
            {
                return (shopId, token);
            }
            Assert.True(DateTime.UtcNow < deadline, $"product-service never learned shop {shopId}");
            await Task.Delay(200);
        }
    }

    /// <summary>Reads product.events from the start until an event of type <typeparamref name="T"/> matches.</summary>
    public T ConsumeEvent<T>(Func<T, bool> match, TimeSpan timeout)
        where T : class, IIntegrationEvent
    {
        var typeName = EventTypeRegistry.Default.Get<T>().Name;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            GroupId = $"catalog-tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topics.Product);
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result?.Message is null
                    || !result.Message.Headers.TryGetLastBytes(EventHeaders.EventType, out var type)
                    || Encoding.UTF8.GetString(type) != typeName)
                {
                    continue;
                }
                var @event = (T)EventJson.Deserialize(Encoding.UTF8.GetBytes(result.Message.Value), typeof(T));
                if (match(@event))
                {
                    return @event;
                }
            }
        }
        finally
        {
            consumer.Close();
        }
        Assert.Fail($"no matching {typeName} on {Topics.Product} within {timeout}");
        return null!;
    }

    public async Task DisposeAsync()
    {
        if (Product is not null)
        {
            await Product.DisposeAsync();
        }
        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        await TestPostgres.DropAsync(_database);
    }
}

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogStack>
{
    public const string Name = "catalog";
}

/// <summary>A second, untouched product-service for exact results on the seeded demo catalog.</summary>
[CollectionDefinition(Name)]
public sealed class SeededCollection : ICollectionFixture<CatalogStack>
{
    public const string Name = "seeded";
}
