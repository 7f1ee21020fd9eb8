using EStore.Contracts.Events;
using EStore.Notification.Apis;
using EStore.Notification.Data;
using EStore.Notification.Delivery;
using EStore.Notification.Messaging;
using EStore.Notification.Services;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<NotificationDbContext>();
// In the options, not OnConfiguring: the platform pools contexts.
builder.Services.ConfigureDbContext<NotificationDbContext>(options => options.AddInterceptors(MailSignal.CommitInterceptor));
// Publishes nothing; every mail starts as an event of another service, written as a row with the inbox record.
builder.AddKafkaMessaging<NotificationDbContext>(messaging => messaging
    .Consumes<UserRegistered, AccountEventHandlers>().Consumes<EmailVerificationRequested, AccountEventHandlers>()
    .Consumes<PasswordResetRequested, AccountEventHandlers>().Consumes<EmailVerified, AccountEventHandlers>()
    .Consumes<ShopCreated, ShopEventHandlers>().Consumes<ShopUpdated, ShopEventHandlers>()
    .Consumes<ShopStatusChanged, ShopEventHandlers>().Consumes<LowStockDetected, ShopEventHandlers>()
    .Consumes<OrderCreated, OrderEventHandlers>().Consumes<OrderConfirmed, OrderEventHandlers>()
    .Consumes<OrderCancelled, OrderEventHandlers>().Consumes<OrderShipped, OrderEventHandlers>()
    .Consumes<OrderDelivered, OrderEventHandlers>().Consumes<PaymentFailed, OrderEventHandlers>()
    .Consumes<PaymentRefunded, OrderEventHandlers>());
builder.AddServiceAuthentication();
builder.AddNotificationServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapNotificationApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
