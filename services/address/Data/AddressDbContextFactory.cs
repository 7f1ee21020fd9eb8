using EStore.Platform.Data;

namespace EStore.Address.Data;

/// <summary>The design-time factory <c>build/add-migration.sh address</c> uses.</summary>
public sealed class AddressDbContextFactory : PostgresDesignTimeFactory<AddressDbContext>;
