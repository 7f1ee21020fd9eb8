using EStore.Order.Data;
using EStore.Order.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Order.Tests;

/// <summary>PostgreSQL's schema comes from the shipped EF Core migrations (build/add-migration.sh order), which cover the model.</summary>
[Collection(OrderCollection.Name)]
public sealed class SchemaTests(OrderStack stack)
{
    [Fact]
    public async Task The_shipped_migrations_cover_the_model_and_refuse_a_second_claim_of_an_idempotency_key()
    {
        await using var scope = stack.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
        var applied = await db.Database.GetAppliedMigrationsAsync();
        Assert.Equal([], await db.Database.GetPendingMigrationsAsync());
        Assert.True(!db.Database.HasPendingModelChanges() && applied.Any(m => m.EndsWith("_InitialCreate", StringComparison.Ordinal)),
            "a model change needs a migration: build/add-migration.sh order <Name>");

        // The key's primary key is what lets only one of two racing requests do the work.
        var user = Guid.NewGuid();
        db.IdempotencyKeys.Add(new IdempotencyRecord { UserId = user, Key = "k-1", RequestHash = "a", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        await using var other = stack.App.Services.CreateAsyncScope();
        var second = other.ServiceProvider.GetRequiredService<OrderDbContext>();
        second.IdempotencyKeys.Add(new IdempotencyRecord { UserId = user, Key = "k-1", RequestHash = "b", CreatedAt = DateTimeOffset.UtcNow });
        await Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync());
    }
}
