using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Order.Tests.Infrastructure;

/// <summary>order-service in a <see cref="ServiceStack{TEntryPoint}"/>: PostgreSQL, the mock broker, test tokens.</summary>
public sealed class OrderStack() : ServiceStack<Program>("order"), IAsyncLifetime
{
    private Dictionary<string, string?> _settings = [];

    /// <summary>shop-, address-, cart- and product-service as order-service reads them (with the caller's token).</summary>
    public MeshStandIn Mesh { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Mesh = await MeshStandIn.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Mesh.DisposeAsync();
    }

    /// <summary>A customer's token.</summary>
    public string Customer(Guid userId) => Tokens.For(userId, [UserRoles.Customer]);

    /// <summary>A shop owner's token.</summary>
    public string ShopOwner(Guid userId) => Tokens.For(userId, [UserRoles.Customer, UserRoles.ShopOwner]);

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Kafka:Consumer:session.timeout.ms"] = "6000";
        settings["Kafka:Consumer:heartbeat.interval.ms"] = "500";
        settings["Messaging:Consumer:CommitIntervalMs"] = "200";
        settings["Messaging:Relay:PollIntervalMs"] = "100";
        // The tests run the sweep themselves; the background one stays out of their way.
        settings["Orders:SweepIntervalSeconds"] = "3600";
        foreach (var service in new[] { "Shop", "Address", "Cart", "Product" })
        {
            settings[$"Orders:{service}ServiceUrl"] = Mesh.BaseAddress.ToString();
        }
        _settings = new Dictionary<string, string?>(settings);
    }

    /// <summary>Another instance on the same broker with <paramref name="overrides"/> (another database, for example).</summary>
    public ServiceApp<Program> StartInstance(IDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
        return ServiceApp<Program>.Start(settings);
    }

    /// <summary>
    /// A PENDING checkout as a checkout request would have stored it (without its <c>OrderCreated</c>): one order per
    /// shop in <paramref name="shops"/>, two units at 12.50 each (and with <paramref name="secondLine"/> one more at 10.00),
    /// made <paramref name="age"/> ago, in <paramref name="status"/> (paid unless PENDING).
    /// </summary>
    public async Task<Checkout> SeedCheckoutAsync(Guid userId, int shops = 1, TimeSpan? age = null, IServiceProvider? services = null,
        OrderStatus status = OrderStatus.Pending, bool secondLine = false)
    {
        var paid = status == OrderStatus.Pending ? PaymentStatus.Pending : PaymentStatus.Paid;
        var fulfilment = status switch
        {
            OrderStatus.Shipped => FulfilmentStatus.Shipped,
            OrderStatus.Delivered => FulfilmentStatus.Delivered,
            _ => FulfilmentStatus.Unfulfilled,
        };
        var at = DateTimeOffset.UtcNow - (age ?? TimeSpan.Zero);
        var checkout = new Checkout
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            CustomerEmail = $"buyer-{userId:N}@example.test",
            CartId = Guid.NewGuid(),
            PaymentMethodId = Guid.NewGuid(),
            Currency = "EUR",
            Status = status,
            PaymentStatus = paid,
            ShippingAddress = new ShippingAddress { AddressId = Guid.NewGuid(), Recipient = "Ada", Line1 = "1 Lane", City = "London", PostalCode = "N1 1AA", Country = "GB", Phone = "+441234567890" },
            IdempotencyKey = Guid.NewGuid().ToString(),
            RequestHash = "seed",
            CreatedAt = at,
            UpdatedAt = at,
        };
        for (var i = 0; i < shops; i++)
        {
            var orderId = shops == 1 ? checkout.Id : Guid.CreateVersion7();
            checkout.Orders.Add(new ShopOrder
            {
                Id = orderId,
                CheckoutId = checkout.Id,
                ShopId = Guid.NewGuid(),
                UserId = userId,
                Status = status,
                PaymentStatus = paid,
                FulfilmentStatus = fulfilment,
                Total = secondLine ? 35m : 25m,
                Currency = "EUR",
                CreatedAt = at,
                UpdatedAt = at,
                Lines = [new OrderItem { Id = Guid.CreateVersion7(), OrderId = orderId, ProductId = Guid.NewGuid(), VariantId = Guid.NewGuid(), ShopId = Guid.Empty, ProductName = "Mug", VariantName = "Blue", Quantity = 2, UnitPrice = 12.50m, Currency = "EUR" }],
            });
            if (secondLine)
            {
                checkout.Orders[^1].Lines.Add(new OrderItem { Id = Guid.CreateVersion7(), OrderId = orderId, ProductId = Guid.NewGuid(), VariantId = Guid.NewGuid(), ShopId = Guid.Empty, ProductName = "Plate", VariantName = "White", Quantity = 1, UnitPrice = 10.00m, Currency = "EUR" });
            }
        }
        checkout.Total = checkout.Orders.Sum(o => o.Total);
        await using var scope = (services ?? App.Services).CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
        db.Checkouts.Add(checkout);
        await db.SaveChangesAsync();
        return checkout;
    }

    /// <summary>The checkout as stored now, with its orders and their timelines.</summary>
    public async Task<Checkout> CheckoutAsync(Guid id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
        return await db.Checkouts.AsNoTracking().Include(c => c.Orders).ThenInclude(o => o.Timeline).SingleAsync(c => c.Id == id);
    }

    /// <summary>How many events of <paramref name="eventType"/> for the checkout order-service put in its outbox.</summary>
    public async Task<int> OutboxCountAsync(string eventType, Guid checkoutId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
        var key = checkoutId.ToString();
        return await db.Set<OutboxMessage>().CountAsync(m => m.EventType == eventType && m.AggregateKey == key);
    }

    /// <summary>Waits until the stored checkout satisfies <paramref name="done"/>.</summary>
    public Task<Checkout> CheckoutWhenAsync(Guid id, Func<Checkout, bool> done, string what) =>
        Eventually.GetAsync(() => CheckoutAsync(id), done, what, TimeSpan.FromSeconds(30),
            describe: c => $"{c.Status}/{c.PaymentStatus}: {string.Join(", ", c.Orders.SelectMany(o => o.Timeline).Select(t => t.What))}");

    public static Money Eur(decimal amount) => new(amount, "EUR");
}

[CollectionDefinition(Name)]
public sealed class OrderCollection : ICollectionFixture<OrderStack>
{
    public const string Name = "order-service";
}
