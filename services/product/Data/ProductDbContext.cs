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

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportFile> ImportFiles => Set<ImportFile>();

    public DbSet<ImportRowResult> ImportRows => Set<ImportRowResult>();

    public DbSet<SupplierFeed> Feeds => Set<SupplierFeed>();

    public DbSet<FeedRun> FeedRuns => Set<FeedRun>();

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
        variant.Property(v => v.SupplierRef).HasMaxLength(100);
        variant.HasIndex(v => v.Sku).IsUnique();

        var job = modelBuilder.Entity<ImportJob>();
        job.ToTable("import_jobs");
        job.Property(j => j.Format).HasMaxLength(8);
        job.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.Error).HasMaxLength(2000);
        // Progress is saved only while the saving worker still holds the lease it claimed.
        job.Property(j => j.LeaseToken).IsConcurrencyToken();
        // Workers look for queued jobs and running jobs whose lease ended.
        job.HasIndex(j => new { j.State, j.LeaseUntil });
        job.HasIndex(j => new { j.ShopId, j.CreatedAt });
        job.HasIndex(j => new { j.FeedId, j.CreatedAt });

        var file = modelBuilder.Entity<ImportFile>();
        file.ToTable("import_files");
        file.HasKey(f => f.JobId);
        file.HasOne<ImportJob>().WithOne().HasForeignKey<ImportFile>(f => f.JobId).OnDelete(DeleteBehavior.Cascade);

        var row = modelBuilder.Entity<ImportRowResult>();
        row.ToTable("import_rows");
        row.Property(r => r.Sku).HasMaxLength(64);
        row.Property(r => r.Reason).HasMaxLength(500);
        row.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        row.HasIndex(r => new { r.JobId, r.Row });
        row.HasOne<ImportJob>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);

        var feed = modelBuilder.Entity<SupplierFeed>();
        feed.ToTable("supplier_feeds");
        feed.Property(f => f.Url).HasMaxLength(2000);
        feed.Property(f => f.Format).HasMaxLength(8);
        feed.Property(f => f.BasicUser).HasMaxLength(200);
        feed.Property(f => f.BasicPasswordSealed).HasMaxLength(4000);
        feed.Property(f => f.HeaderName).HasMaxLength(100);
        feed.Property(f => f.HeaderTokenSealed).HasMaxLength(12000);
        feed.Property(f => f.CredentialKeyId).HasMaxLength(16);
        feed.HasIndex(f => f.ShopId);
        feed.HasIndex(f => f.NextRunAt);

        var run = modelBuilder.Entity<FeedRun>();
        run.ToTable("feed_runs");
        run.Property(r => r.Error).HasMaxLength(1000);
        run.HasIndex(r => new { r.FeedId, r.At });
        run.HasOne<SupplierFeed>().WithMany().HasForeignKey(r => r.FeedId).OnDelete(DeleteBehavior.Cascade);

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
            job.Property(j => j.LeaseUntil).HasConversion(converter);
            job.Property(j => j.CreatedAt).HasConversion(converter);
            job.Property(j => j.StartedAt).HasConversion(converter);
            job.Property(j => j.FinishedAt).HasConversion(converter);
            feed.Property(f => f.NextRunAt).HasConversion(converter);
            feed.Property(f => f.CreatedAt).HasConversion(converter);
            run.Property(r => r.At).HasConversion(converter);
        }
    }
}
