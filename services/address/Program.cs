using EStore.Address.Apis;
using EStore.Address.Data;
using EStore.Address.Messaging;
using EStore.Address.Services;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<AddressDbContext>();
// Publishes nothing: no other service needs to hear of address changes (orders keep their own snapshot).
builder.AddKafkaMessaging<AddressDbContext>(messaging => messaging
    .Consumes<UserDisabled, UserDisabledHandler>()
    .Consumes<UserEnabled, UserEnabledHandler>());
builder.AddServiceAuthentication();
builder.AddAddressServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapAddressApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
