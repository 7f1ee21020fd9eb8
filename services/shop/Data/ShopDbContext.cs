using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Shop.Data;

/// <summary>shop-service's own database: shops plus the messaging outbox/inbox.</summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Shop> Shops => Set<Shop>();

    public DbSet<ShopOrder> ShopOrders => Set<ShopOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        var shop = modelBuilder.Entity<Shop>();
        shop.ToTable("shops");
        shop.Property(s => s.Name).HasMaxLength(ShopRulesLimits.Name);
        shop.Property(s => s.NormalizedName).HasMaxLength(ShopRulesLimits.Name);
        shop.Property(s => s.NameSkeleton).HasMaxLength(ShopRulesLimits.Skeleton);
        shop.Property(s => s.Slug).HasMaxLength(ShopRulesLimits.Name + 16);
        shop.Property(s => s.Description).HasMaxLength(ShopRulesLimits.Description);
        shop.Property(s => s.Category).HasMaxLength(ShopRulesLimits.Category);
        shop.Property(s => s.NormalizedCategory).HasMaxLength(ShopRulesLimits.Category);
        shop.Property(s => s.LogoUrl).HasMaxLength(ShopRulesLimits.Url);
        shop.Property(s => s.ContactEmail).HasMaxLength(ShopRulesLimits.Email);
        shop.Property(s => s.ContactPhone).HasMaxLength(ShopRulesLimits.Phone);
        shop.Property(s => s.Address).HasMaxLength(ShopRulesLimits.Address);
        shop.Property(s => s.OpeningHours).HasMaxLength(ShopRulesLimits.OpeningHours);
        shop.Property(s => s.StatusReason).HasMaxLength(ShopRulesLimits.Reason);
        shop.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        shop.HasIndex(s => s.NormalizedName).IsUnique();
        shop.HasIndex(s => s.NameSkeleton).IsUnique();
        shop.HasIndex(s => s.Slug).IsUnique();
        shop.HasIndex(s => s.OwnerId);
        shop.HasIndex(s => new { s.Status, s.NormalizedCategory });

        var order = modelBuilder.Entity<ShopOrder>();
        order.ToTable("shop_orders");
        order.HasKey(o => new { o.CheckoutId, o.ShopId });
        // The dashboard counts a shop's open orders.
        order.HasIndex(o => new { o.ShopId, o.Confirmed, o.Closed });
        if (Database.IsSqlite())
        {
            order.Property(o => o.UpdatedAt).HasConversion(new DateTimeOffsetToBinaryConverter());
        }
    }
}

/// <summary>Column sizes, shared by the schema and the validation rules.</summary>
public static class ShopRulesLimits
{
    public const int Name = 100;
    /// <summary>A skeleton can be longer than its name (NFD, multi-letter prototypes such as "m" -> "rn").</summary>
    public const int Skeleton = 400;
    public const int Description = 2000;
    public const int Category = 100;
    public const int Url = 500;
    public const int Email = 254;
    public const int Phone = 30;
    public const int Address = 500;
    public const int OpeningHours = 500;
    public const int Reason = 500;
}
