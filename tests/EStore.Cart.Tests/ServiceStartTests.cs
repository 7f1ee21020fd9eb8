using EStore.Cart.Data;
using EStore.Cart.Tests.Infrastructure;

namespace EStore.Cart.Tests;

/// <summary>cart-service starts as the mesh runs it, before any domain code (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(CartStack stack)
    : ServiceStartChecks<Program, CartDbContext>(stack, "cart-service", "/api/carts"), IClassFixture<CartStack>;
