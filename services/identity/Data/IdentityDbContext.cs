using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Identity.Data;

/// <summary>identity-service's own database: users, sessions, single-use tokens, signing keys, outbox.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<OneTimeToken> OneTimeTokens => Set<OneTimeToken>();
    public DbSet<PendingMail> PendingMails => Set<PendingMail>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is UTC; SQLite hands DateTime back as Unspecified, Npgsql's timestamptz insists on Utc.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();

        var user = modelBuilder.Entity<User>();
        user.ToTable("users");
        user.Property(u => u.Email).HasMaxLength(254);
        user.Property(u => u.NormalizedEmail).HasMaxLength(254);
        // The uniqueness of accounts: two registrations racing with one address in any case make one row.
        user.HasIndex(u => u.NormalizedEmail).IsUnique();
        user.Property(u => u.Name).HasMaxLength(100);
        user.Property(u => u.Phone).HasMaxLength(32);
        user.Property(u => u.PreferencesJson).HasMaxLength(16_000);
        user.Property(u => u.PasswordHash).HasMaxLength(512);
        user.Property(u => u.Status).HasConversion<string>().HasMaxLength(16);
        user.Property(u => u.StatusReason).HasMaxLength(500);
        user.Property(u => u.Version).IsConcurrencyToken();
        user.HasIndex(u => u.CreatedAt);

        var refresh = modelBuilder.Entity<RefreshToken>();
        refresh.ToTable("refresh_tokens");
        refresh.HasIndex(t => t.TokenHash).IsUnique();
        refresh.HasIndex(t => t.FamilyId);
        refresh.HasIndex(t => t.UserId);
        refresh.HasIndex(t => t.ExpiresAt);
        refresh.Property(t => t.AccessTokenId).HasMaxLength(64);
        refresh.Property(t => t.RevokedReason).HasMaxLength(64);
        refresh.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);

        var oneTime = modelBuilder.Entity<OneTimeToken>();
        oneTime.ToTable("one_time_tokens");
        oneTime.HasIndex(t => t.TokenHash).IsUnique();
        oneTime.HasIndex(t => new { t.UserId, t.Purpose });
        oneTime.HasIndex(t => t.ExpiresAt);
        oneTime.Property(t => t.Purpose).HasConversion<string>().HasMaxLength(32);
        oneTime.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);

        var pending = modelBuilder.Entity<PendingMail>();
        pending.ToTable("pending_mails");
        pending.Property(m => m.NormalizedEmail).HasMaxLength(254);
        pending.Property(m => m.Purpose).HasConversion<string>().HasMaxLength(32);
        pending.HasIndex(m => m.LeasedUntil);

        var key = modelBuilder.Entity<SigningKey>();
        key.ToTable("signing_keys");
        key.Property(k => k.Id).HasMaxLength(64);
        key.Property(k => k.Algorithm).HasMaxLength(16);

        var protection = modelBuilder.Entity<DataProtectionKey>();
        protection.ToTable("data_protection_keys");
        protection.Property(k => k.FriendlyName).HasMaxLength(200);
    }
}

/// <summary>Marks times read back from the database as UTC.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
