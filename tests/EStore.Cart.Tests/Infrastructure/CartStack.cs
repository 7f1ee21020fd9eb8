extern alias product;

using EStore.Contracts.Events;
using EStore.Platform.Security;
using Microsoft.Extensions.DependencyInjection;
using ProductApp = EStore.Testing.ServiceApp<product::Program>;

namespace EStore.Cart.Tests.Infrastructure;

/// <summary>
/// cart-service in a <see cref="ServiceStack{TEntryPoint}"/>, calling a real product-service (seeded demo categories,
/// its own database, the same broker and token issuer) at its Kestrel address. One shop, known to product-service
/// through the <c>ShopCreated</c> a test publishes, sells whatever the tests create. Small limits make them reachable.
/// </summary>
public sealed class CartStack() : ServiceStack<Program>("cart"), IAsyncLifetime
{
    public const int MaxLines = 6;

    private readonly string _productDatabase = TestPostgres.NewDatabase("cart_product");
    private readonly SemaphoreSlim _shopLock = new(1, 1);
    private Dictionary<string, string?> _settings = [];
    private (Guid Id, string Owner)? _shop;

    public ProductApp Product { get; private set; } = null!;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        var productSettings = ProductApp.Settings(Broker.BootstrapServers, _productDatabase, Tokens.JwksUrl);
        productSettings["Demo:SeedData"] = "true";
        productSettings["Feeds:CredentialKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // The two services' appsettings.json share this output folder (one wins): name each one here.
        productSettings["Eureka:Instance:AppName"] = "product-service";
        settings["Eureka:Instance:AppName"] = "cart-service";
        foreach (var each in new[] { productSettings, settings })
        {
            each["Kafka:Consumer:session.timeout.ms"] = "6000";
            each["Kafka:Consumer:heartbeat.interval.ms"] = "500";
            each["Messaging:Consumer:CommitIntervalMs"] = "200";
        }
        Product = ProductApp.Start(productSettings);
        settings["Carts:ProductServiceUrl"] = Product.BaseAddress.ToString();
        settings["Carts:MaxLinesPerCart"] = MaxLines.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Carts:GuestSweepIntervalSeconds"] = "1";
        _settings = new Dictionary<string, string?>(settings);
    }

    /// <summary>
    /// Another cart-service instance on the same database and broker; <paramref name="productServiceUrl"/> replaces
    /// product-service's address (a dead one makes product-service "down" for it); <paramref name="overrides"/> other settings.
    /// </summary>
    public ServiceApp<Program> StartInstance(
        Uri? productServiceUrl = null, Action<IServiceCollection>? testServices = null, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        if (productServiceUrl is not null)
        {
            settings["Carts:ProductServiceUrl"] = productServiceUrl.ToString();
        }
        return ServiceApp<Program>.Start(settings, testServices);
    }

    /// <summary>A new customer: id and token.</summary>
    public (Guid Id, string Token) Customer()
    {
        var id = Guid.NewGuid();
        return (id, Tokens.For(id, [UserRoles.Customer]));
    }

    /// <summary>The stack's shop (made on first use) and its owner's token.</summary>
    public async Task<(Guid Id, string Owner)> ShopAsync(ShopStatus status = ShopStatus.Active)
    {
        await _shopLock.WaitAsync();
        try
        {
            if (_shop is null || status != ShopStatus.Active)
            {
                var owner = Guid.NewGuid();
                var shop = (Guid.NewGuid(), Tokens.For(owner, [UserRoles.Customer, UserRoles.ShopOwner]));
                await PublishAsync(new ShopCreated(shop.Item1, owner, $"Cart test shop {shop.Item1:N}"[..30], "shop@example.test", status)
                {
                    OccurredAt = DateTimeOffset.UtcNow,
                });
                if (status != ShopStatus.Active)
                {
                    return shop;
                }
                _shop = shop;
            }
            return _shop.Value;
        }
        finally
        {
            _shopLock.Release();
        }
    }

    async Task IAsyncLifetime.InitializeAsync() => await InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Product is not null)
        {
            await Product.DisposeAsync();
        }
        await TestPostgres.DropAsync(_productDatabase);
        _shopLock.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CartCollection : ICollectionFixture<CartStack>
{
    public const string Name = "cart";
}
