using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Product.Data;

/// <summary>product-service's own database.</summary>
public sealed class ProductDbContext(DbContextOptions<ProductDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<ProductVariant> Variants => Set<ProductVariant>();

    public DbSet<Category> Categories => Set<Category>();

    public DbSet<ShopRecord> Shops => Set<ShopRecord>();

    public DbSet<StockMovement> StockMovements => Set<StockMovement>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();

        var product = modelBuilder.Entity<Product>();
        product.ToTable("products");
        product.Property(p => p.Name).HasMaxLength(200);
        product.Property(p => p.Description).HasMaxLength(4000);
        product.Property(p => p.Currency).HasMaxLength(3);
        product.Property(p => p.Category).HasMaxLength(100);
        product.Property(p => p.Price).HasPrecision(18, 2);
        product.HasIndex(p => p.Name);
        product.HasIndex(p => p.ShopId);
        product.HasIndex(p => p.CategoryId);
        product.HasIndex(p => p.Price);
        product.HasIndex(p => p.CreatedAt);
        product.HasMany(p => p.Variants).WithOne().HasForeignKey(v => v.ProductId);
        if (Database.IsNpgsql())
        {
            // A stored generated column (not HasGeneratedTsVectorColumn, which cannot weight): name matches rank above
            // description matches. The 'simple' configuration does not stem, so a typed prefix ("lapt") matches the
            // word it starts ("laptop") the same way a stemmed prefix would not ("chocola" vs the stem "chocol").
            product.Property(p => p.SearchVector)
                .HasComputedColumnSql(
                    "setweight(to_tsvector('simple', coalesce(\"Name\", '')), 'A') || setweight(to_tsvector('simple', coalesce(\"Description\", '')), 'B')",
                    stored: true);
            product.HasIndex(p => p.SearchVector).HasMethod("GIN");
        }
        else
        {
            product.Ignore(p => p.SearchVector);
        }

        var variant = modelBuilder.Entity<ProductVariant>();
        variant.ToTable("product_variants");
        variant.Property(v => v.Sku).HasMaxLength(64);
        variant.Property(v => v.Name).HasMaxLength(100);
        variant.Property(v => v.Price).HasPrecision(18, 2);
        variant.HasIndex(v => v.Sku).IsUnique();

        var category = modelBuilder.Entity<Category>();
        category.ToTable("categories");
        category.Property(c => c.Name).HasMaxLength(100);
        category.Property(c => c.Slug).HasMaxLength(120);
        category.HasIndex(c => c.ParentId);

        var movement = modelBuilder.Entity<StockMovement>();
        movement.ToTable("stock_movements");
        movement.Property(m => m.Reason).HasMaxLength(200);
        movement.Property(m => m.Kind).HasConversion<string>().HasMaxLength(16);
        movement.HasIndex(m => new { m.VariantId, m.Id });
        // The inventory report sums one shop's sales per variant over the last 30 days.
        movement.HasIndex(m => new { m.VariantId, m.Kind, m.At });

        var reservation = modelBuilder.Entity<Reservation>();
        reservation.ToTable("reservations");
        reservation.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        reservation.HasIndex(r => r.OrderId);
        reservation.HasIndex(r => new { r.State, r.ExpiresAt });

        var shop = modelBuilder.Entity<ShopRecord>();
        shop.ToTable("shops");
        shop.Property(s => s.Id).ValueGeneratedNever();
        shop.Property(s => s.Name).HasMaxLength(ShopRecord.MaxNameLength);
        shop.Property(s => s.NormalizedName).HasMaxLength(ShopRecord.MaxNameLength);
        shop.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);

        if (Database.IsSqlite())
        {
            // SQLite cannot compare or sort DateTimeOffset text; our own times are stored as sortable integers there
            // (the messaging tables are left as the platform defines them).
            var converter = new DateTimeOffsetToBinaryConverter();
            product.Property(p => p.CreatedAt).HasConversion(converter);
            product.Property(p => p.UpdatedAt).HasConversion(converter);
            product.Property(p => p.DeletedAt).HasConversion(converter);
            movement.Property(m => m.At).HasConversion(converter);
            reservation.Property(r => r.ExpiresAt).HasConversion(converter);
        }
    }
}
