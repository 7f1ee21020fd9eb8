using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;
using EStore.Shop.Apis;
using EStore.Shop.Data;
using EStore.Shop.Messaging;
using EStore.Shop.Services;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
// Shops from before the name-skeleton column get theirs, then the demo shops (when on) are seeded.
builder.AddServiceDatabase<ShopDbContext>(ShopSkeletons.BackfillAsync, DemoData.IsEnabled(builder.Configuration) ? DemoShops.SeedAsync : null);
// The dashboard's open orders are counted from order-service's events.
builder.AddKafkaMessaging<ShopDbContext>(messaging => messaging
    .Publishes(Topics.Shop)
    .Consumes<OrderCreated, OrderEventHandlers>()
    .Consumes<OrderConfirmed, OrderEventHandlers>()
    .Consumes<OrderDelivered, OrderEventHandlers>()
    .Consumes<OrderCancelled, OrderEventHandlers>()
    .Consumes<OrderLineCancelled, OrderEventHandlers>());
builder.AddServiceAuthentication();
builder.AddShopServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapShopApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
