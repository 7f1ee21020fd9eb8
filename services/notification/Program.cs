using EStore.Notification.Apis;
using EStore.Notification.Data;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<NotificationDbContext>();
// No topic of its own yet: add messaging.Publishes(...) and messaging.Consumes<TEvent, THandler>() here when it has one.
builder.AddKafkaMessaging<NotificationDbContext>(_ => { });
builder.AddServiceAuthentication();

var app = builder.Build();
app.MapServiceDefaults();
app.MapNotificationApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
