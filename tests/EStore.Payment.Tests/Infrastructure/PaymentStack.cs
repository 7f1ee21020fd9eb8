using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Payment.Tests.Infrastructure;

/// <summary>
/// payment-service in a <see cref="ServiceStack{TEntryPoint}"/> (PostgreSQL, the mock broker, test tokens) with
/// <see cref="StripeMock"/> as the provider (and, for <see cref="SecondInstance"/>, every log line captured). Charges are
/// retried fast here: 2 s provider timeout, 200 ms first backoff, 10 s until giving up.
/// </summary>
public class PaymentStack : ServiceStack<Program>, IAsyncLifetime
{
    public const string Methods = "/api/payment-methods";
    public const string Payments = "/api/payments";

    /// <summary>Cards one user may try to add per window here.</summary>
    public const int CreatePermits = 8;

    public PaymentStack()
        : base("payment")
    {
    }

    public StripeMock Provider { get; } = StripeMock.Start();

    /// <summary>Every log line the service wrote (all levels), with its exception.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    async Task IAsyncLifetime.InitializeAsync()
    {
        await BeforeStartAsync();
        await InitializeAsync();
        AfterStart();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Provider.Dispose();
        await AfterStopAsync();
    }

    /// <summary>Runs before the service starts (a provider it needs the URL of).</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Runs once the service is up (a provider that sends it webhooks).</summary>
    protected virtual void AfterStart()
    {
    }

    /// <summary>Runs after the service stopped.</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    /// <summary>The provider settings of this stack: <see cref="StripeMock"/>'s unless a derived stack uses another provider.</summary>
    protected virtual Dictionary<string, string?> ProviderConfiguration() => ProviderSettings(Provider.Url);

    protected override void Configure(IDictionary<string, string?> settings)
    {
        foreach (var (key, value) in ProviderConfiguration())
        {
            settings[key] = value;
        }
        settings["Payment:Methods:CreatePermitLimit"] = CreatePermits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Payment:Methods:CreateWindowSeconds"] = "600";
    }

    /// <summary>The provider and charge settings every instance of these tests runs with.</summary>
    public static Dictionary<string, string?> ProviderSettings(string providerUrl) => new()
    {
        ["Payment:Provider:BaseUrl"] = providerUrl,
        ["Payment:Provider:ApiKey"] = StripeMock.ApiKey,
        ["Payment:Provider:WebhookSecret"] = StripeMock.WebhookSecret,
        ["Payment:Provider:TimeoutSeconds"] = "2",
        ["Payment:Charges:PollIntervalMs"] = "100",
        ["Payment:Charges:MinBackoffMs"] = "200",
        ["Payment:Charges:MaxBackoffMs"] = "1000",
        ["Payment:Charges:GiveUpSeconds"] = "10",
        ["Payment:Charges:LeaseSeconds"] = "2",
        ["Messaging:Consumer:RetryBackoffMs"] = "50",
    };

    /// <summary>A logger that keeps every line, for <see cref="ServiceApp{TEntryPoint}.Start"/>.</summary>
    private Action<IServiceCollection> CaptureLogs => services =>
    {
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
        services.Configure<LoggerFilterOptions>(filter =>
        {
            filter.Rules.Clear();
            filter.MinLevel = LogLevel.Trace;
        });
    };

    /// <summary>
    /// Another instance on the same database, broker and provider, whose every log line goes to
    /// <see cref="Logs"/> (the caller disposes it).
    /// </summary>
    public ServiceApp<Program> SecondInstance(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = ServiceApp<Program>.Settings(Broker.BootstrapServers, Database, Tokens.JwksUrl);
        foreach (var (key, value) in ProviderSettings(Provider.Url).Concat(extra ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }
        return ServiceApp<Program>.Start(settings, CaptureLogs);
    }

    /// <summary>A new customer: their id and a token.</summary>
    public (Guid Id, string Token) Customer()
    {
        var id = Guid.NewGuid();
        return (id, Tokens.For(id, [UserRoles.Customer]));
    }

    /// <summary>
    /// Saves a card (asserting 201) and returns it. A 503 (the provider not answering within this stack's 2 s timeout:
    /// a fresh stack's first calls on a loaded machine) is tried again, twice at most; tests of the 503 itself send
    /// their own requests.
    /// </summary>
    public async Task<JsonElement> AddCardAsync(string token, string number = "4242424242424242")
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await SendAsync(HttpMethod.Post, Methods, Cards.Body(number), token);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 3)
            {
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {Methods}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>An order as order-service would announce it: two shops' lines, paid with <paramref name="paymentMethodId"/>.</summary>
    public static OrderCreated Order(Guid userId, Guid paymentMethodId, decimal first = 19.99m, decimal second = 5.01m, string currency = "EUR")
    {
        var orderId = Guid.NewGuid();
        return new OrderCreated(orderId, userId, null, paymentMethodId,
        [
            new OrderLine(Guid.NewGuid(), Guid.NewGuid(), null, ShopA, "Tent", 1, new Money(first, currency)),
            new OrderLine(Guid.NewGuid(), Guid.NewGuid(), null, ShopB, "Mug", 1, new Money(second, currency)),
        ], new Money(first + second, currency), new AddressSnapshot("Ada", "1 Lane", null, "London", "N1 1AA", "GB"), "ada@example.test")
        { OccurredAt = DateTimeOffset.UtcNow };
    }

    public static readonly Guid ShopA = Guid.Parse("0a000000-0000-0000-0000-00000000000a");
    public static readonly Guid ShopB = Guid.Parse("0b000000-0000-0000-0000-00000000000b");

    public static StockReserved Reserved(Guid orderId) => new(orderId, [], DateTimeOffset.UtcNow.AddMinutes(15)) { OccurredAt = DateTimeOffset.UtcNow };

    /// <summary>Reads the service's database.</summary>
    public async Task<T> QueryAsync<T>(Func<PaymentDbContext, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PaymentDbContext>());
    }

    /// <summary>Waits until the order's payment has left pending and charging, and returns it.</summary>
    public Task<Data.Payment> SettledAsync(Guid orderId, TimeSpan? timeout = null) => Eventually.GetAsync(
        () => QueryAsync(db => db.Payments.AsNoTracking().Include(p => p.Attempts).SingleOrDefaultAsync(p => p.OrderId == orderId)),
        p => p is { Status: PaymentStatus.Succeeded or PaymentStatus.Failed }, $"the payment of order {orderId} to settle",
        timeout ?? TimeSpan.FromSeconds(30), describe: p => p is null ? "no payment" : $"{p.Status}, {p.Attempts.Count} attempt(s)")!;

    /// <summary>The events of <paramref name="type"/> the service wrote to its outbox for <paramref name="orderId"/>.</summary>
    public Task<int> OutboxCountAsync(string type, Guid orderId) =>
        QueryAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.EventType == type && m.AggregateKey == orderId.ToString()));

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {state} {exception}");
        }
    }
}

/// <summary>A <see cref="PaymentStack"/> whose own instance sends no charges: tests start and stop the instances that do.</summary>
public sealed class ChargelessPaymentStack : PaymentStack
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Payment:Charges:Enabled"] = "false";
    }
}

/// <summary>
/// A <see cref="PaymentStack"/> whose provider is the payment sandbox (<see cref="TestPaymentProvider"/>): real
/// refunds, refund listings and signed <c>charge.refunded</c> webhooks sent to this service.
/// </summary>
public class SandboxPaymentStack : PaymentStack
{
    public TestPaymentProvider Sandbox { get; private set; } = null!;

    /// <summary>How long the slow test card takes to answer.</summary>
    protected virtual TimeSpan SlowDelay => TimeSpan.FromSeconds(5);

    protected override async Task BeforeStartAsync() => Sandbox = await TestPaymentProvider.StartAsync(slowDelay: SlowDelay);

    protected override void AfterStart() => Sandbox.SendWebhooksTo(new Uri(App.BaseAddress, Apis.PaymentApi.WebhookPath));

    protected override Task AfterStopAsync() => Sandbox.DisposeAsync().AsTask();

    protected override Dictionary<string, string?> ProviderConfiguration()
    {
        var settings = ProviderSettings(Sandbox.BaseUrl.ToString());
        foreach (var (key, value) in Sandbox.PaymentServiceSettings)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Every setting an instance of this stack runs with (database, broker, tokens, the sandbox), for a child process too.</summary>
    public Dictionary<string, string?> InstanceSettings()
    {
        var settings = ServiceApp<Program>.Settings(Broker.BootstrapServers, Database, Tokens.JwksUrl);
        foreach (var (key, value) in ProviderConfiguration())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Stripe.net against the sandbox, as someone at the provider's dashboard would act.</summary>
    public Stripe.StripeClient Stripe => new(Sandbox.ApiKey, apiBase: Sandbox.BaseUrl.ToString().TrimEnd('/'));

    /// <summary>A shop owner known to the service (ShopCreated consumed): their id and token.</summary>
    public async Task<(Guid Id, string Token)> ShopOwnerAsync(Guid shopId)
    {
        var owner = Guid.NewGuid();
        await PublishAsync(new ShopCreated(shopId, owner, $"Shop {shopId:N}", "shop@example.test") { OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.TrueAsync(() => QueryAsync(db => db.ShopOwners.AnyAsync(o => o.ShopId == shopId && o.OwnerId == owner)), "the shop's owner recorded");
        return (owner, Tokens.For(owner, [UserRoles.Customer, UserRoles.ShopOwner]));
    }
}

/// <summary>A <see cref="SandboxPaymentStack"/> whose own instance sends no charges: a test's own processes do.</summary>
public sealed class ChargelessSandboxPaymentStack : SandboxPaymentStack
{
    /// <summary>The slow card's answer: long enough that a loaded machine still kills the caller while it waits.</summary>
    public static readonly TimeSpan SlowCardDelay = TimeSpan.FromSeconds(15);

    protected override TimeSpan SlowDelay => SlowCardDelay;

    // No webhooks: the sandbox's payment_intent.succeeded would settle the killed process's charge through the
    // in-process host, and the crash test proves the restarted process recovers it on its own.
    protected override void AfterStart()
    {
    }

    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Payment:Charges:Enabled"] = "false";
    }
}

/// <summary>Card request bodies.</summary>
public static class Cards
{
    public static Dictionary<string, object?> Body(string number = "4242424242424242", int month = 12, int? year = null, string cvc = "123") => new()
    {
        ["payment_type"] = "Card",
        ["details"] = new Dictionary<string, object?>
        {
            ["card_number"] = number,
            ["expiry_month"] = month,
            ["expiry_year"] = year ?? DateTime.UtcNow.Year + 3,
            ["cvc"] = cvc,
        },
    };
}
