using EStore.Cart.Data;
using EStore.Cart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Cart.Tests;

/// <summary>PostgreSQL's schema comes from the shipped EF Core migrations, which must cover the model.</summary>
[Collection(CartCollection.Name)]
public sealed class SchemaTests(CartStack stack)
{
    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CartDbContext>();
        // A model change without a new migration fails here: run build/add-migration.sh cart <Name>.
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration covers: build/add-migration.sh cart <Name>");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
    }
}
