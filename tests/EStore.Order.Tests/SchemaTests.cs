using EStore.Order.Data;
using EStore.Order.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Order.Tests;

/// <summary>The schema's constraints that the checkout's idempotency rests on (the migrations themselves: ServiceStartTests).</summary>
[Collection(OrderCollection.Name)]
public sealed class SchemaTests(OrderStack stack)
{
    [Fact]
    public async Task The_database_refuses_a_second_claim_of_an_idempotency_key()
    {
        await using var scope = stack.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();

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
