using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.Product.Apis;
using EStore.Product.Data;
using EStore.Product.Feeds;
using EStore.Product.Messaging;
using EStore.Product.Services;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<ProductDbContext>(
    ShopNameKeys.RecomputeAsync, FeedCredentialSeal.ResealAsync, DemoData.IsEnabled(builder.Configuration) ? DemoCatalog.SeedAsync : null);
builder.AddKafkaMessaging<ProductDbContext>(messaging =>
{
    messaging.Publishes(Topics.Product);
    messaging.Consumes<ShopCreated, ShopEventHandlers>();
    messaging.Consumes<ShopUpdated, ShopEventHandlers>();
    messaging.Consumes<ShopStatusChanged, ShopEventHandlers>();
    messaging.Consumes<OrderCreated, OrderEventHandlers>();
    messaging.Consumes<OrderCancelled, OrderEventHandlers>();
    messaging.Consumes<OrderConfirmed, OrderEventHandlers>();
    messaging.Consumes<OrderLineCancelled, OrderEventHandlers>();
});
builder.AddServiceAuthentication();
builder.AddProductServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapProductApi();
app.MapCategoryApi();
app.MapInventoryApi();
app.MapImportApi();
app.MapFeedApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
