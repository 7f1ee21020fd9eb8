using EStore.Platform.Data;

namespace EStore.Identity.Data;

/// <summary>The design-time factory <c>build/add-migration.sh identity</c> uses.</summary>
public sealed class IdentityDbContextFactory : PostgresDesignTimeFactory<IdentityDbContext>;
