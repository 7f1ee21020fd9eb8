using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Platform.Security;

namespace EStore.Shop.Tests.Infrastructure;

/// <summary>The mock broker, a test token issuer and shop-service with approval required on its own database.</summary>
public sealed class ShopStack : IAsyncLifetime
{
    private readonly string _database = TestPostgres.NewDatabase("shop");

    public MeshBroker Broker { get; private set; } = null!;

    public TestTokens Tokens { get; private set; } = null!;

    public ShopApp Shop { get; private set; } = null!;

    public string Admin => Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.Admin]);

    public async Task InitializeAsync()
    {
        Broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        Tokens = await TestTokens.StartAsync();
        var settings = ShopApp.Settings(Broker.BootstrapServers, _database, Tokens.JwksUrl);
        settings["Shops:RequireApproval"] = "true";
        Shop = ShopApp.Start(settings);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await Shop.Http.SendAsync(request);
    }

    /// <summary>Creates a shop for <paramref name="token"/>'s user and returns it (asserting 201).</summary>
    public async Task<JsonElement> CreateShopAsync(string token, string name, string? category = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/shops", new { name, category, contactEmail = "shop@example.test" }, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Reads shop.events from the start until an event of type <typeparamref name="T"/> matches.</summary>
    public T ConsumeEvent<T>(Func<T, bool> match, TimeSpan timeout)
        where T : class, IIntegrationEvent
    {
        var typeName = EventTypeRegistry.Default.Get<T>().Name;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            GroupId = $"shop-tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topics.Shop);
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                ConsumeResult<string, string>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                }
                catch (ConsumeException ex) when (ex.Error.Code == ErrorCode.UnknownTopicOrPart)
                {
                    // Confluent.Kafka 2.x reports a subscribed topic that is not there yet; the first event creates it.
                    continue;
                }
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
        Assert.Fail($"no matching {typeName} on {Topics.Shop} within {timeout}");
        return null!;
    }

    public async Task DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
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
public sealed class ShopCollection : ICollectionFixture<ShopStack>
{
    public const string Name = "shop";
}
