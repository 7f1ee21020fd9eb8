using EStore.Platform.Data;

namespace EStore.Cart.Data;

/// <summary>The design-time factory <c>build/add-migration.sh cart</c> uses.</summary>
public sealed class CartDbContextFactory : PostgresDesignTimeFactory<CartDbContext>;
