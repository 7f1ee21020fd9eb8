using EStore.Address.Apis;
using EStore.Address.Data;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Messaging;
using EStore.Platform.Security;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<AddressDbContext>();
// No topic of its own yet: add messaging.Publishes(...) and messaging.Consumes<TEvent, THandler>() here when it has one.
builder.AddKafkaMessaging<AddressDbContext>(_ => { });
builder.AddServiceAuthentication();

var app = builder.Build();
app.MapServiceDefaults();
app.MapAddressApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
