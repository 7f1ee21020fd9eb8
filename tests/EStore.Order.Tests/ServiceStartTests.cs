using EStore.Order.Data;
using EStore.Order.Tests.Infrastructure;

namespace EStore.Order.Tests;

/// <summary>order-service starts as the mesh runs it (the checks are the test kit's).</summary>
[Collection(OrderCollection.Name)]
public sealed class ServiceStartTests(OrderStack stack)
    : ServiceStartChecks<Program, OrderDbContext>(stack, "order-service", "/api/orders");
