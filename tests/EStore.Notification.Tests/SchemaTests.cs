using EStore.Notification.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Notification.Tests;

/// <summary>PostgreSQL's schema comes from the shipped EF Core migrations, which must cover the model.</summary>
[Collection(NotificationCollection.Name)]
public sealed class SchemaTests(NotificationStack stack)
{
    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<EStore.Notification.Data.NotificationDbContext>();
        // A model change without a new migration fails here: run build/add-migration.sh notification <Name>.
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration covers: build/add-migration.sh notification <Name>");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
    }
}
