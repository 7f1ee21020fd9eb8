using EStore.Platform.Data;

namespace EStore.Sample.Data;

/// <summary>The design-time factory <c>build/add-migration.sh sample</c> uses.</summary>
public sealed class SampleDbContextFactory : PostgresDesignTimeFactory<SampleDbContext>;
