using EStore.Contracts;
using EStore.Order.Apis;
using EStore.Order.Data;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<OrderDbContext>();
builder.AddKafkaMessaging<OrderDbContext>(messaging => messaging.Publishes(Topics.Order));
builder.AddServiceAuthentication();

var app = builder.Build();
app.MapServiceDefaults();
app.MapOrderApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
