using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Identity.Apis;
using EStore.Identity.Data;
using EStore.Identity.Messaging;
using EStore.Identity.Services;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<IdentityDbContext>(DemoData.IsEnabled(builder.Configuration) ? DemoUsers.SeedAsync : null);
builder.AddKafkaMessaging<IdentityDbContext>(messaging =>
{
    messaging.Publishes(Topics.Identity);
    messaging.Consumes<ShopCreated, ShopCreatedHandler>();
});
builder.AddSigningKeys();
builder.AddServiceAuthentication<LocalSigningKeySource>();
builder.AddIdentityServices();
builder.AddIdentityRateLimits();

var app = builder.Build();
app.MapServiceDefaults();
app.UseRateLimiter();
app.MapWellKnownApi();
app.MapAuthApi();
app.MapUserApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
