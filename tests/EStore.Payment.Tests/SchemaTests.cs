using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Payment.Tests;

/// <summary>PostgreSQL's schema comes from the shipped EF Core migrations, which must cover the model and hold the one-payment-per-order rule.</summary>
public sealed class SchemaTests(PaymentStack stack) : IClassFixture<PaymentStack>
{
    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
        // A model change without a new migration fails here: run build/add-migration.sh payment <Name>.
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration covers: build/add-migration.sh payment <Name>");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
    }

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
