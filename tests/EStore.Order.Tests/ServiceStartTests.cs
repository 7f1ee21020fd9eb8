using EStore.Order.Data;

namespace EStore.Order.Tests;

/// <summary>order-service in a <see cref="ServiceStack{TEntryPoint}"/>: PostgreSQL, the mock broker, test tokens.</summary>
public sealed class OrderStack() : ServiceStack<Program>("order");

/// <summary>order-service starts as the mesh runs it, before any domain code (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(OrderStack stack)
    : ServiceStartChecks<Program, OrderDbContext>(stack, "order-service", "/api/orders"), IClassFixture<OrderStack>;
