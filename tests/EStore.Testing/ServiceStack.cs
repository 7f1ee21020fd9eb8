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

namespace EStore.Testing;

/// <summary>
/// One service under test with what it needs around it: the mock broker, a test token issuer and a throwaway PostgreSQL
/// database. Tests call the service over HTTP, publish the events other services would and read the events it publishes.
/// A test project derives one stack per service and gives it the service's own settings in <see cref="Configure"/>.
/// </summary>
/// <typeparam name="TEntryPoint">The service's <c>Program</c>.</typeparam>
public abstract class ServiceStack<TEntryPoint> : IAsyncLifetime
    where TEntryPoint : class
{
    private readonly string _name;

    /// <param name="name">A short name for the database and the test consumers' groups.</param>
    protected ServiceStack(string name)
    {
        _name = name;
        Database = TestPostgres.NewDatabase(name);
    }

    /// <summary>The service's database (dropped with the stack).</summary>
    public string Database { get; }

    public MeshBroker Broker { get; private set; } = null!;

    public TestTokens Tokens { get; private set; } = null!;

    /// <summary>The service, started by <see cref="InitializeAsync"/>.</summary>
    public ServiceApp<TEntryPoint> App { get; private set; } = null!;

    /// <summary>A fresh admin's access token.</summary>
    public string Admin => Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.Admin]);

    public async Task InitializeAsync()
    {
        Broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        Tokens = await TestTokens.StartAsync();
        var settings = ServiceApp<TEntryPoint>.Settings(Broker.BootstrapServers, Database, Tokens.JwksUrl);
        Configure(settings);
        App = ServiceApp<TEntryPoint>.Start(settings);
    }

    /// <summary>Adds or changes the service's settings before it starts.</summary>
    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Sends <paramref name="body"/> (JSON, or the <see cref="HttpContent"/> given) with <paramref name="token"/> as bearer.</summary>
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
        return await App.Http.SendAsync(request);
    }

    /// <summary>GETs <paramref name="path"/>, asserts 200 and returns the body.</summary>
    public async Task<JsonElement> GetAsync(string path, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Publishes events as their producing services would, on their registered topics.</summary>
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
            var type = EventTypeRegistry.Default.Get(@event.GetType());
            await producer.ProduceAsync(type.Topic, new Message<string, string>
            {
                Key = @event.AggregateKey,
                Value = EventJson.Serialize(@event),
                Headers = new Headers
                {
                    { EventHeaders.EventType, Encoding.UTF8.GetBytes(type.Name) },
                    { EventHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
                },
            });
        }
    }

    /// <summary>Reads the topic of <typeparamref name="T"/> from the start until an event of that type matches.</summary>
    public T ConsumeEvent<T>(Func<T, bool> match, TimeSpan timeout)
        where T : class, IIntegrationEvent
    {
        var type = EventTypeRegistry.Default.Get<T>();
        T? Read(ConsumeResult<string, string> result) =>
            result.Message.Headers.TryGetLastBytes(EventHeaders.EventType, out var name) && Encoding.UTF8.GetString(name) == type.Name
                ? (T)EventJson.Deserialize(Encoding.UTF8.GetBytes(result.Message.Value), typeof(T))
                : null;

        using var consumer = TopicReader.Subscribe(Broker.BootstrapServers, type.Topic);
        try
        {
            var result = TopicReader.ConsumeUntil(consumer, r => Read(r) is { } @event && match(@event), timeout);
            Assert.True(result is not null, $"no matching {type.Name} on {type.Topic} within {timeout}");
            return Read(result)!;
        }
        finally
        {
            consumer.Close();
        }
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        await TestPostgres.DropAsync(Database);
    }
}
