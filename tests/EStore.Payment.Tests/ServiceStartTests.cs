using EStore.Payment.Data;

namespace EStore.Payment.Tests;

/// <summary>payment-service in a <see cref="ServiceStack{TEntryPoint}"/>: PostgreSQL, the mock broker, test tokens.</summary>
public sealed class PaymentStack() : ServiceStack<Program>("payment");

/// <summary>payment-service starts as the mesh runs it, before any domain code (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(PaymentStack stack)
    : ServiceStartChecks<Program, PaymentDbContext>(stack, "payment-service", "/api/payment-methods"), IClassFixture<PaymentStack>;
