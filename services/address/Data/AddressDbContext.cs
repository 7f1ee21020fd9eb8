using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Address.Data;

/// <summary>address-service's own database: address books plus the messaging outbox/inbox.</summary>
public sealed class AddressDbContext(DbContextOptions<AddressDbContext> options) : DbContext(options)
{
    public DbSet<SavedAddress> Addresses => Set<SavedAddress>();

    public DbSet<AddressBook> Books => Set<AddressBook>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();

        var address = modelBuilder.Entity<SavedAddress>();
        address.ToTable("addresses");
        address.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
        address.Property(a => a.UserId).HasColumnName("user_id");
        address.Property(a => a.Label).HasColumnName("label").HasMaxLength(AddressLimits.Label);
        address.Property(a => a.RecipientName).HasColumnName("recipient_name").HasMaxLength(AddressLimits.RecipientName);
        address.Property(a => a.Line1).HasColumnName("line1").HasMaxLength(AddressLimits.Line);
        address.Property(a => a.Line2).HasColumnName("line2").HasMaxLength(AddressLimits.Line);
        address.Property(a => a.City).HasColumnName("city").HasMaxLength(AddressLimits.City);
        address.Property(a => a.Region).HasColumnName("region").HasMaxLength(AddressLimits.Region);
        address.Property(a => a.PostalCode).HasColumnName("postal_code").HasMaxLength(AddressLimits.PostalCode);
        address.Property(a => a.Country).HasColumnName("country").HasMaxLength(AddressLimits.Country);
        address.Property(a => a.Phone).HasColumnName("phone").HasMaxLength(AddressLimits.Phone);
        address.Property(a => a.IsDefaultShipping).HasColumnName("is_default_shipping");
        address.Property(a => a.IsDefaultBilling).HasColumnName("is_default_billing");
        address.Property(a => a.CreatedAt).HasColumnName("created_at");
        address.Property(a => a.UpdatedAt).HasColumnName("updated_at");
        address.Property(a => a.LastUsedAt).HasColumnName("last_used_at");
        address.HasIndex(a => a.UserId);
        // "Exactly one default of each kind per user" is the database's rule, not only the code's: a second default,
        // from whatever path or instance, fails the insert or update.
        address.HasIndex(a => a.UserId, "ux_addresses_default_shipping").IsUnique().HasFilter("is_default_shipping");
        address.HasIndex(a => a.UserId, "ux_addresses_default_billing").IsUnique().HasFilter("is_default_billing");

        var book = modelBuilder.Entity<AddressBook>();
        book.ToTable("address_books");
        book.HasKey(b => b.UserId);
        book.Property(b => b.UserId).HasColumnName("user_id").ValueGeneratedNever();
        book.Property(b => b.Version).HasColumnName("version").IsConcurrencyToken();
        book.Property(b => b.DisabledAt).HasColumnName("disabled_at");
        book.Property(b => b.EraseAfter).HasColumnName("erase_after");
        book.HasIndex(b => b.EraseAfter).HasFilter("erase_after IS NOT NULL");

        if (Database.IsSqlite())
        {
            // SQLite cannot compare or sort DateTimeOffset text: our own times are sortable integers there.
            var converter = new DateTimeOffsetToBinaryConverter();
            address.Property(a => a.CreatedAt).HasConversion(converter);
            address.Property(a => a.UpdatedAt).HasConversion(converter);
            address.Property(a => a.LastUsedAt).HasConversion(converter);
            book.Property(b => b.DisabledAt).HasConversion(converter);
            book.Property(b => b.EraseAfter).HasConversion(converter);
        }
    }
}
