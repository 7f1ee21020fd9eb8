using EStore.Platform.Data;
using EStore.Platform.Hosting;

namespace EStore.Identity.Data;

/// <summary>Registers identity-service's database.</summary>
public static class IdentityDatabaseExtensions
{
    /// <summary>
    /// The platform's database setup for <see cref="IdentityDbContext"/>, preceded by EF Core migrations on
    /// PostgreSQL (initializers run in registration order).
    /// </summary>
    public static WebApplicationBuilder AddIdentityDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IStartupInitializer, DatabaseMigrator>();
        builder.AddServiceDatabase<IdentityDbContext>();
        return builder;
    }
}
