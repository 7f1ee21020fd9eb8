using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Notification.Data;

/// <summary>notification-service's own database: mails, local copies of recipients and shops, preferences, outbox/inbox.</summary>
public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    public DbSet<Mail> Mails => Set<Mail>();

    public DbSet<Recipient> Recipients => Set<Recipient>();

    public DbSet<ShopContact> Shops => Set<ShopContact>();

    public DbSet<Preference> Preferences => Set<Preference>();

    /// <summary>Set when this context adds a mail: its commit wakes the delivery worker (<see cref="Delivery.MailSignal"/>).</summary>
    internal bool AddsMail { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        var mail = modelBuilder.Entity<Mail>();
        mail.ToTable("mails");
        mail.Property(m => m.Kind).HasMaxLength(40);
        mail.Property(m => m.ToAddress).HasMaxLength(NotificationLimits.Email);
        mail.Property(m => m.ToName).HasMaxLength(NotificationLimits.Name);
        mail.Property(m => m.Subject).HasMaxLength(NotificationLimits.Subject);
        mail.Property(m => m.LastError).HasMaxLength(NotificationLimits.Error);
        mail.Property(m => m.ProviderMessageId).HasMaxLength(NotificationLimits.Error);
        mail.Property(m => m.Status).HasConversion<string>().HasMaxLength(10);
        // A second delivery of an event is stopped by the inbox; this makes "one mail per event and recipient" a rule
        // of the schema too.
        mail.HasIndex(m => new { m.EventId, m.Kind, m.ToAddress }).IsUnique();
        mail.HasIndex(m => new { m.Status, m.NextAttemptAt });
        mail.HasIndex(m => new { m.UserId, m.CreatedAt });

        var recipient = modelBuilder.Entity<Recipient>();
        recipient.ToTable("recipients");
        recipient.HasKey(r => r.UserId);
        recipient.Property(r => r.Email).HasMaxLength(NotificationLimits.Email);
        recipient.Property(r => r.Name).HasMaxLength(NotificationLimits.Name);

        var shop = modelBuilder.Entity<ShopContact>();
        shop.ToTable("shops");
        shop.HasKey(s => s.ShopId);
        shop.Property(s => s.Email).HasMaxLength(NotificationLimits.Email);
        shop.Property(s => s.Name).HasMaxLength(NotificationLimits.Name);

        var preference = modelBuilder.Entity<Preference>();
        preference.ToTable("preferences");
        preference.HasKey(p => p.UserId);
    }
}

/// <summary>Column sizes.</summary>
public static class NotificationLimits
{
    public const int Email = 320;
    public const int Name = 200;
    public const int Subject = 300;
    public const int Error = 500;
}
