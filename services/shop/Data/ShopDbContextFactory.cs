using EStore.Platform.Data;

namespace EStore.Shop.Data;

/// <summary>The design-time factory <c>build/add-migration.sh shop</c> uses.</summary>
public sealed class ShopDbContextFactory : PostgresDesignTimeFactory<ShopDbContext>;
