using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Order.Data;

/// <summary>order-service's own database: checkouts, their per-shop orders, lines and timelines, idempotency keys, outbox and inbox.</summary>
public sealed class OrderDbContext(DbContextOptions<OrderDbContext> options) : DbContext(options)
{
    public DbSet<Checkout> Checkouts => Set<Checkout>();

    public DbSet<ShopOrder> Orders => Set<ShopOrder>();

    public DbSet<OrderItem> Lines => Set<OrderItem>();

    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();

    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        var sqlite = Database.IsSqlite();

        var checkout = modelBuilder.Entity<Checkout>();
        checkout.ToTable("checkouts");
        checkout.Property(c => c.CustomerEmail).HasMaxLength(320);
        checkout.Property(c => c.Currency).HasMaxLength(3);
        checkout.Property(c => c.Total).HasPrecision(18, 2);
        checkout.Property(c => c.RefundedAmount).HasPrecision(18, 2);
        checkout.Property(c => c.CancelReason).HasMaxLength(OrderLimits.Reason);
        checkout.Property(c => c.CancelledBy).HasMaxLength(16);
        checkout.Property(c => c.IdempotencyKey).HasMaxLength(OrderLimits.IdempotencyKey);
        checkout.Property(c => c.RequestHash).HasMaxLength(64);
        checkout.Property(c => c.Version).IsConcurrencyToken();
        Statuses(checkout);
        checkout.OwnsOne(c => c.ShippingAddress, Address);
        checkout.HasIndex(c => new { c.UserId, c.CreatedAt });
        // The timeout sweep reads the oldest pending checkouts.
        checkout.HasIndex(c => new { c.Status, c.CreatedAt });
        checkout.HasMany(c => c.Orders).WithOne(o => o.Checkout).HasForeignKey(o => o.CheckoutId).OnDelete(DeleteBehavior.Cascade);

        var order = modelBuilder.Entity<ShopOrder>();
        order.ToTable("orders");
        order.Property(o => o.Currency).HasMaxLength(3);
        order.Property(o => o.Total).HasPrecision(18, 2);
        order.Property(o => o.CancelReason).HasMaxLength(OrderLimits.Reason);
        order.Property(o => o.CancelledBy).HasMaxLength(16);
        order.Property(o => o.Carrier).HasMaxLength(100);
        order.Property(o => o.TrackingNumber).HasMaxLength(100);
        order.Property(o => o.Version).IsConcurrencyToken();
        // Optional: null (all its columns null) while the order ships to the checkout's address.
        order.OwnsOne(o => o.ShippingAddress, Address);
        Statuses(order);
        order.Property(o => o.FulfilmentStatus).HasConversion(v => StatusNames.Wire(v), v => StatusNames.Parse<FulfilmentStatus>(v)).HasMaxLength(24);
        order.HasIndex(o => new { o.UserId, o.CreatedAt });
        order.HasIndex(o => new { o.ShopId, o.CreatedAt });
        order.HasIndex(o => o.CheckoutId);
        order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        order.HasMany(o => o.Timeline).WithOne().HasForeignKey(t => t.OrderId).OnDelete(DeleteBehavior.Cascade);

        var line = modelBuilder.Entity<OrderItem>();
        line.ToTable("order_lines");
        line.Property(l => l.ProductName).HasMaxLength(200);
        line.Property(l => l.VariantName).HasMaxLength(200);
        line.Property(l => l.Currency).HasMaxLength(3);
        line.Property(l => l.UnitPrice).HasPrecision(18, 2);
        line.Property(l => l.CancelReason).HasMaxLength(OrderLimits.Reason);

        var entry = modelBuilder.Entity<TimelineEntry>();
        entry.ToTable("order_timeline");
        entry.Property(t => t.Actor).HasMaxLength(40);
        entry.Property(t => t.What).HasMaxLength(40);
        entry.Property(t => t.Detail).HasMaxLength(OrderLimits.Reason);
        entry.HasIndex(t => new { t.OrderId, t.At });

        var key = modelBuilder.Entity<IdempotencyRecord>();
        key.ToTable("idempotency_keys");
        // The primary key is the unique insert that lets exactly one of two racing requests do the work.
        key.HasKey(k => new { k.UserId, k.Key });
        key.Property(k => k.Key).HasMaxLength(OrderLimits.IdempotencyKey);
        key.Property(k => k.RequestHash).HasMaxLength(64);
        key.HasIndex(k => k.CreatedAt);

        if (sqlite)
        {
            // SQLite cannot compare or sort DateTimeOffset text (lists sort by date, the sweeps compare): sortable
            // integers there. PostgreSQL keeps timestamptz.
            var converter = new DateTimeOffsetToBinaryConverter();
            checkout.Property(c => c.CreatedAt).HasConversion(converter);
            checkout.Property(c => c.UpdatedAt).HasConversion(converter);
            order.Property(o => o.CreatedAt).HasConversion(converter);
            order.Property(o => o.UpdatedAt).HasConversion(converter);
            entry.Property(t => t.At).HasConversion(converter);
            line.Property(l => l.CancelledAt).HasConversion(converter);
            key.Property(k => k.CreatedAt).HasConversion(converter);
        }
    }

    private static void Address<T>(OwnedNavigationBuilder<T, ShippingAddress> address)
        where T : class
    {
        address.Property(a => a.Recipient).HasMaxLength(200);
        address.Property(a => a.Line1).HasMaxLength(200);
        address.Property(a => a.Line2).HasMaxLength(200);
        address.Property(a => a.City).HasMaxLength(100);
        address.Property(a => a.Region).HasMaxLength(100);
        address.Property(a => a.PostalCode).HasMaxLength(20);
        address.Property(a => a.Country).HasMaxLength(2);
        address.Property(a => a.Phone).HasMaxLength(40);
    }

    private static void Statuses<T>(EntityTypeBuilder<T> entity)
        where T : class
    {
        entity.Property<OrderStatus>("Status").HasConversion(v => StatusNames.Wire(v), v => StatusNames.Parse<OrderStatus>(v)).HasMaxLength(24);
        entity.Property<PaymentStatus>("PaymentStatus").HasConversion(v => StatusNames.Wire(v), v => StatusNames.Parse<PaymentStatus>(v)).HasMaxLength(24);
    }
}

/// <summary>Column sizes shared by the schema and the validation rules.</summary>
public static class OrderLimits
{
    public const int Reason = 500;
    public const int IdempotencyKey = 200;
}
