using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EStore.Product.Data;

/// <summary>
/// Lets <c>build/add-migration.sh product</c> build the model without starting the service. Migrations are
/// PostgreSQL's; the zero-setup SQLite run creates its schema from the model instead.
/// </summary>
public sealed class ProductDbContextFactory : IDesignTimeDbContextFactory<ProductDbContext>
{
    public ProductDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ProductDbContext>().UseNpgsql("Host=localhost;Database=product_design").Options);
}
