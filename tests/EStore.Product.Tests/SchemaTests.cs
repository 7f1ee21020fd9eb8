using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Tests;

/// <summary>PostgreSQL's schema comes from the shipped EF Core migrations, which must cover the model.</summary>
[Collection(ProductCollection.Name)]
public sealed class SchemaTests(ProductStack stack)
{
    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        await stack.WithDbAsync(async db =>
        {
            // A model change without a new migration fails here: run build/add-migration.sh product <Name>.
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration covers: build/add-migration.sh product <Name>");
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
            return true;
        });
    }
}
