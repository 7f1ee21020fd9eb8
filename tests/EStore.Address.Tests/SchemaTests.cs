using EStore.Address.Data;
using EStore.Address.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Address.Tests;

/// <summary>PostgreSQL's schema comes from the shipped EF Core migrations, which must cover the model.</summary>
public sealed class SchemaTests(AddressStack stack) : IClassFixture<AddressStack>
{
    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        // A model change without a new migration fails here: run build/add-migration.sh address <Name>.
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration covers: build/add-migration.sh address <Name>");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_database_refuses_a_second_default_shipping_address_for_one_user()
    {
        var user = Guid.NewGuid();
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        db.Addresses.Add(Row(user, shipping: true));
        await db.SaveChangesAsync();
        db.Addresses.Add(Row(user, shipping: true));

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static SavedAddress Row(Guid user, bool shipping) => new()
    {
        Id = Guid.NewGuid(),
        UserId = user,
        RecipientName = "A",
        Line1 = "B",
        City = "C",
        Country = "DE",
        Phone = "+4930123456",
        IsDefaultShipping = shipping,
    };
}
