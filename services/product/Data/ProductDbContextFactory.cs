using EStore.Platform.Data;

namespace EStore.Product.Data;

/// <summary>The design-time factory <c>build/add-migration.sh product</c> uses.</summary>
public sealed class ProductDbContextFactory : PostgresDesignTimeFactory<ProductDbContext>;
