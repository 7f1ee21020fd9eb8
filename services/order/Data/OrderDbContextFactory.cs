using EStore.Platform.Data;

namespace EStore.Order.Data;

/// <summary>The design-time factory <c>build/add-migration.sh order</c> uses.</summary>
public sealed class OrderDbContextFactory : PostgresDesignTimeFactory<OrderDbContext>;
