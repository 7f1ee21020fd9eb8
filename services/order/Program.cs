using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Order.Apis;
using EStore.Order.Data;
using EStore.Order.Messaging;
using EStore.Order.Services;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<OrderDbContext>();
// The checkout saga: order-service starts it (OrderCreated) and ends it on the stock and payment outcomes.
builder.AddKafkaMessaging<OrderDbContext>(messaging => messaging
    .Publishes(Topics.Order)
    .Consumes<StockReserved, StockReservedHandler>()
    .Consumes<StockReservationFailed, StockReservationFailedHandler>()
    .Consumes<PaymentSucceeded, PaymentSucceededHandler>()
    .Consumes<PaymentFailed, PaymentFailedHandler>()
    .Consumes<PaymentRefunded, PaymentRefundedHandler>());
builder.AddServiceAuthentication();
builder.AddOrderServices();

var app = builder.Build();
app.MapServiceDefaults();
app.MapOrderApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;
