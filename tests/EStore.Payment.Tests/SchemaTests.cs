using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Payment.Tests;

/// <summary>The schema holds the one-payment-per-order rule (the migrations themselves: ServiceStartTests).</summary>
public sealed class SchemaTests(PaymentStack stack) : IClassFixture<PaymentStack>
{
    [Fact]
    public async Task The_database_refuses_a_second_payment_for_one_order()
    {
        var order = Guid.NewGuid();
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
        db.Payments.Add(new Data.Payment { Id = Guid.NewGuid(), OrderId = order, Status = PaymentStatus.Pending });
        await db.SaveChangesAsync();
        db.Payments.Add(new Data.Payment { Id = Guid.NewGuid(), OrderId = order, Status = PaymentStatus.Pending });

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }
}
