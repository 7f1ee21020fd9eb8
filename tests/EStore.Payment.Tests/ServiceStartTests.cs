using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;

namespace EStore.Payment.Tests;

/// <summary>payment-service starts as the mesh runs it (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(PaymentStack stack)
    : ServiceStartChecks<Program, PaymentDbContext>(stack, "payment-service", "/api/payment-methods"), IClassFixture<PaymentStack>;
