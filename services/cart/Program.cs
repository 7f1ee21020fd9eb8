using EStore.Cart.Apis;
using EStore.Cart.Data;
using EStore.Cart.Messaging;
using EStore.Cart.Services;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<CartDbContext>();
// No topic of its own: it only listens for confirmed orders, to empty the cart they were placed from.
builder.AddKafkaMessaging<CartDbContext>(messaging => messaging.Consumes<OrderConfirmed, OrderConfirmedHandler>());
builder.AddServiceAuthentication();
builder.AddCartServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapCartApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
