using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EStore.Platform.Data;

/// <summary>
/// Lets <c>build/add-migration.sh</c> build a service's model without starting the service: each service
/// declares a one-line subclass for its context. Migrations are PostgreSQL's; the zero-setup SQLite run
/// creates its schema from the model instead, so no database is contacted here.
/// </summary>
/// <typeparam name="TContext">The service's context; it needs a constructor taking its options.</typeparam>
public abstract class PostgresDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    /// <inheritdoc />
    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>()
            .UseNpgsql($"Host=localhost;Database={typeof(TContext).Name.ToLowerInvariant()}_design")
            .Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}
