using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.Product.Apis;
using EStore.Product.Data;
using EStore.Product.Messaging;
using EStore.Product.Services;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<ProductDbContext>(ShopNameKeys.ThenSeed(DemoData.IsEnabled(builder.Configuration) ? DemoCatalog.SeedAsync : null));
builder.AddKafkaMessaging<ProductDbContext>(messaging =>
{
    messaging.Publishes(Topics.Product);
    messaging.Consumes<ShopCreated, ShopEventHandlers>();
    messaging.Consumes<ShopUpdated, ShopEventHandlers>();
    messaging.Consumes<ShopStatusChanged, ShopEventHandlers>();
    messaging.Consumes<OrderCreated, OrderEventHandlers>();
    messaging.Consumes<OrderCancelled, OrderEventHandlers>();
    messaging.Consumes<OrderConfirmed, OrderEventHandlers>();
});
builder.AddServiceAuthentication();
builder.Services.AddScoped<ProductCatalog>();
builder.Services.AddScoped<ProductAdmin>();
builder.Services.AddScoped<CategoryTree>();
builder.Services.AddScoped<Inventory>();
builder.Services.AddScoped<InventoryReport>();
builder.AddValidatedOptions<ReservationOptions>(ReservationOptions.Section);
builder.Services.AddSingleton<ReservationExpiry>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiry>());

var app = builder.Build();
app.MapServiceDefaults();
app.MapProductApi();
app.MapCategoryApi();
app.MapInventoryApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
