using EStore.Address.Data;
using EStore.Address.Tests.Infrastructure;

namespace EStore.Address.Tests;

/// <summary>address-service starts as the mesh runs it, before any domain code (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(AddressStack stack)
    : ServiceStartChecks<Program, AddressDbContext>(stack, "address-service", "/api/addresses"), IClassFixture<AddressStack>;
