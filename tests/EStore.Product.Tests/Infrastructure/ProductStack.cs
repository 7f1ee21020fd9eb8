using System.Net;
using System.Security.Cryptography;
using EStore.Contracts.Events;
using EStore.Platform.Security;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Product.Tests.Infrastructure;

/// <summary>
/// product-service in a <see cref="ServiceStack{TEntryPoint}"/>, seeded with the demo catalog (<c>Demo:SeedData</c>): the
/// seeded tests expect its exact products, the others create theirs in its categories. Shops exist for product-service
/// once their <c>ShopCreated</c> arrives: tests publish the events shop-service would.
/// </summary>
public sealed class ProductStack() : ServiceStack<Program>("product")
{
    public ProductApp Product => App;

    /// <summary><c>Feeds:CredentialKey</c> of this stack's instances (one per stack, shared by its replicas).</summary>
    public string FeedCredentialKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Kafka:Consumer:session.timeout.ms"] = "6000";
        settings["Kafka:Consumer:heartbeat.interval.ms"] = "500";
        settings["Messaging:Consumer:CommitIntervalMs"] = "200";
        settings["Demo:SeedData"] = "true";
        // Small batches and a small file limit: imports in tests span several batches, and 413 needs no huge body.
        settings["Import:BatchSize"] = "2";
        settings["Import:PollIntervalMs"] = "200";
        settings["Import:MaxFileBytes"] = "262144";
        // Feed tests serve their feeds on 127.0.0.1 (every other internal address stays refused, 127.0.0.2 included).
        settings["Feeds:AllowedNetworks"] = "127.0.0.1";
        settings["Feeds:PollSeconds"] = "1";
        settings["Feeds:TimeoutSeconds"] = "10";
        settings["Feeds:CredentialKey"] = FeedCredentialKey;
    }

    /// <summary>
    /// Another product-service instance on the same database and broker (a second replica); <paramref name="extra"/>
    /// adds or changes settings, <paramref name="testServices"/> replaces services (a clock, a database interceptor). The
    /// caller disposes it.
    /// </summary>
    public ProductApp StartInstance(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? testServices = null)
    {
        var settings = ProductApp.Settings(Broker.BootstrapServers, Database, Tokens.JwksUrl);
        Configure(settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return ProductApp.Start(settings, testServices);
    }

    /// <summary>A shop owned by a new user, known to product-service; returns the owner's token.</summary>
    public async Task<(Guid ShopId, string OwnerToken)> NewShopAsync(string name, ShopStatus status = ShopStatus.Active)
    {
        var owner = Guid.NewGuid();
        var shopId = Guid.NewGuid();
        await PublishAsync(new ShopCreated(shopId, owner, name, "shop@example.test", status) { OccurredAt = DateTimeOffset.UtcNow });
        var token = Tokens.For(owner, [UserRoles.Customer, UserRoles.ShopOwner]);
        // The shop is known once its products list without a 404 from the ownership check: probe with a bad body.
        await Eventually.TrueAsync(async () =>
        {
            using var probe = await SendAsync(HttpMethod.Post, "/api/products", new { shopId }, token);
            return probe.StatusCode == HttpStatusCode.UnprocessableEntity;
        }, $"product-service to learn shop {shopId}", TimeSpan.FromSeconds(45));
        return (shopId, token);
    }
}

[CollectionDefinition(Name)]
public sealed class ProductCollection : ICollectionFixture<ProductStack>
{
    public const string Name = "product";
}

/// <summary>A second, untouched product-service for exact results on the seeded demo catalog.</summary>
[CollectionDefinition(Name)]
public sealed class SeededCollection : ICollectionFixture<ProductStack>
{
    public const string Name = "seeded";
}
