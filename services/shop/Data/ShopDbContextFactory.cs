using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EStore.Shop.Data;

/// <summary>
/// Lets <c>build/add-migration.sh shop</c> build the model without starting the service. Migrations are
/// PostgreSQL's; the zero-setup SQLite run creates its schema from the model instead.
/// </summary>
public sealed class ShopDbContextFactory : IDesignTimeDbContextFactory<ShopDbContext>
{
    public ShopDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql("Host=localhost;Database=shop_design").Options);
}
