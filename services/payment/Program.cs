using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Payment.Apis;
using EStore.Payment.Data;
using EStore.Payment.Messaging;
using EStore.Payment.Services;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<PaymentDbContext>();
builder.AddKafkaMessaging<PaymentDbContext>(messaging => messaging
    .Publishes(Topics.Payment)
    .Consumes<OrderCreated, OrderCreatedHandler>()
    .Consumes<StockReserved, StockReservedHandler>()
    .Consumes<OrderCancelled, OrderCancelledHandler>()
    .Consumes<OrderLineCancelled, OrderLineCancelledHandler>()
    .Consumes<ShopCreated, ShopOwnerHandlers>().Consumes<ShopUpdated, ShopOwnerHandlers>());
builder.AddServiceAuthentication();
builder.AddPaymentServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapPaymentMethodApi();
app.MapPaymentApi();
app.MapRefundApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
