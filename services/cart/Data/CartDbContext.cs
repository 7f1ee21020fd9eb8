using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Cart.Data;

/// <summary>cart-service's own database: carts, their lines, and the messaging outbox/inbox.</summary>
public sealed class CartDbContext(DbContextOptions<CartDbContext> options) : DbContext(options)
{
    public DbSet<Cart> Carts => Set<Cart>();

    public DbSet<CartLine> Lines => Set<CartLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        var cart = modelBuilder.Entity<Cart>();
        cart.ToTable("carts");
        cart.Property(c => c.Name).HasMaxLength(CartLimits.Name);
        cart.Property(c => c.GuestTokenHash).HasMaxLength(64);
        cart.HasIndex(c => c.OwnerId);
        cart.HasIndex(c => c.GuestTokenHash).IsUnique();
        // One default cart per user, even when two first requests race to make it.
        cart.HasIndex(c => c.OwnerId, "IX_carts_OwnerId_default").IsUnique().HasFilter("\"IsDefault\"");
        cart.HasIndex(c => c.UpdatedAt, "IX_carts_guest_UpdatedAt").HasFilter("\"OwnerId\" IS NULL");
        cart.HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.CartId).OnDelete(DeleteBehavior.Cascade);

        var line = modelBuilder.Entity<CartLine>();
        line.ToTable("cart_lines");
        // One line per variant: a concurrent second insert of the same variant fails instead of making a twin line.
        line.HasKey(l => new { l.CartId, l.VariantId });
        line.Property(l => l.ProductName).HasMaxLength(CartLimits.ProductName);
        line.Property(l => l.VariantName).HasMaxLength(CartLimits.ProductName);
        line.Property(l => l.ShopName).HasMaxLength(CartLimits.ProductName);
        line.Property(l => l.Currency).HasMaxLength(3);
        line.Property(l => l.PriceWhenAdded).HasPrecision(18, 2);

        if (Database.IsSqlite())
        {
            // SQLite cannot compare or sort DateTimeOffset text (the guest-cart sweep compares UpdatedAt): stored as
            // sortable integers there. PostgreSQL keeps timestamptz.
            var converter = new DateTimeOffsetToBinaryConverter();
            cart.Property(c => c.CreatedAt).HasConversion(converter);
            cart.Property(c => c.UpdatedAt).HasConversion(converter);
            line.Property(l => l.AddedAt).HasConversion(converter);
        }
    }
}

/// <summary>Column sizes, shared by the schema and the validation rules.</summary>
public static class CartLimits
{
    public const int Name = 100;
    /// <summary>Room for product-service's longest product name (200).</summary>
    public const int ProductName = 200;
}
