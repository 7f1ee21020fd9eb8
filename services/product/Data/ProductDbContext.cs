using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Data;

/// <summary>product-service's own database.</summary>
public sealed class ProductDbContext(DbContextOptions<ProductDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var product = modelBuilder.Entity<Product>();
        product.ToTable("products");
        product.Property(p => p.Name).HasMaxLength(200);
        product.Property(p => p.Description).HasMaxLength(4000);
        product.Property(p => p.Currency).HasMaxLength(3);
        product.Property(p => p.Category).HasMaxLength(100);
        product.Property(p => p.Price).HasPrecision(18, 2);
        product.HasIndex(p => p.Name);
    }
}
