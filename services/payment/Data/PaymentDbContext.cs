using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Payment.Data;

/// <summary>payment-service's own database: saved cards, provider customers, payments with their attempts, messaging tables.</summary>
public sealed class PaymentDbContext(DbContextOptions<PaymentDbContext> options) : DbContext(options)
{
    public DbSet<PaymentMethod> PaymentMethods => Set<PaymentMethod>();

    public DbSet<ProviderCustomer> Customers => Set<ProviderCustomer>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<PaymentAttempt> Attempts => Set<PaymentAttempt>();

    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();

    public DbSet<Refund> Refunds => Set<Refund>();

    public DbSet<PaymentLine> Lines => Set<PaymentLine>();

    public DbSet<ShopOwner> ShopOwners => Set<ShopOwner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();

        var method = modelBuilder.Entity<PaymentMethod>();
        method.ToTable("payment_methods");
        method.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
        method.Property(m => m.UserId).HasColumnName("user_id");
        method.Property(m => m.ProviderToken).HasColumnName("provider_token").HasMaxLength(255);
        method.Property(m => m.Type).HasColumnName("type").HasMaxLength(32);
        method.Property(m => m.Brand).HasColumnName("brand").HasMaxLength(32);
        method.Property(m => m.Last4).HasColumnName("last4").HasMaxLength(4);
        method.Property(m => m.ExpiryMonth).HasColumnName("expiry_month");
        method.Property(m => m.ExpiryYear).HasColumnName("expiry_year");
        method.Property(m => m.Fingerprint).HasColumnName("fingerprint").HasMaxLength(64);
        method.Property(m => m.BillingAddressId).HasColumnName("billing_address_id");
        method.Property(m => m.IsDefault).HasColumnName("is_default");
        method.Property(m => m.CreatedAt).HasColumnName("created_at");
        method.HasIndex(m => m.UserId);
        method.HasIndex(m => m.UserId, "ux_payment_methods_default").IsUnique().HasFilter("is_default");

        var customer = modelBuilder.Entity<ProviderCustomer>();
        customer.ToTable("provider_customers");
        customer.HasKey(c => c.UserId);
        customer.Property(c => c.UserId).HasColumnName("user_id").ValueGeneratedNever();
        customer.Property(c => c.CustomerId).HasColumnName("customer_id").HasMaxLength(255);
        customer.Property(c => c.CreatedAt).HasColumnName("created_at");

        var payment = modelBuilder.Entity<Payment>();
        payment.ToTable("payments");
        payment.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
        payment.Property(p => p.OrderId).HasColumnName("order_id");
        payment.Property(p => p.UserId).HasColumnName("user_id");
        payment.Property(p => p.PaymentMethodId).HasColumnName("payment_method_id");
        payment.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3);
        payment.Property(p => p.Amount).HasColumnName("amount").HasPrecision(19, 4);
        payment.Property(p => p.CustomerEmail).HasColumnName("customer_email").HasMaxLength(320);
        payment.Property(p => p.Status).HasColumnName("status").HasMaxLength(32);
        payment.Property(p => p.OrderReceivedAt).HasColumnName("order_received_at");
        payment.Property(p => p.StockReservedAt).HasColumnName("stock_reserved_at");
        payment.Property(p => p.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        // The lease: an instance stores a charge's outcome only while the lease it claimed is still the row's.
        payment.Property(p => p.ChargeDueAt).HasColumnName("charge_due_at").IsConcurrencyToken();
        payment.Property(p => p.ChargeStartedAt).HasColumnName("charge_started_at");
        payment.Property(p => p.ProviderPaymentIntentId).HasColumnName("provider_payment_intent_id").HasMaxLength(255);
        payment.Property(p => p.ProviderChargeId).HasColumnName("provider_charge_id").HasMaxLength(255);
        payment.Property(p => p.AmountCaptured).HasColumnName("amount_captured").HasPrecision(19, 4);
        payment.Property(p => p.AmountRefunded).HasColumnName("amount_refunded").HasPrecision(19, 4);
        payment.Property(p => p.FailureReason).HasColumnName("failure_reason").HasMaxLength(64);
        payment.Property(p => p.CreatedAt).HasColumnName("created_at");
        payment.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        // At most one payment, and so one charge, per order, whatever path or instance writes it.
        payment.HasIndex(p => p.OrderId).IsUnique();
        payment.HasIndex(p => p.UserId);
        payment.HasIndex(p => new { p.Status, p.ChargeDueAt });
        payment.HasMany(p => p.Shares).WithOne().HasForeignKey(s => s.PaymentId).OnDelete(DeleteBehavior.Cascade);
        payment.Property(p => p.RefundOnCapture).HasColumnName("refund_on_capture").HasMaxLength(500);
        payment.HasMany(p => p.Refunds).WithOne().HasForeignKey(r => r.PaymentId).OnDelete(DeleteBehavior.Cascade);
        payment.HasMany(p => p.Attempts).WithOne().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Cascade);
        payment.HasMany(p => p.Lines).WithOne().HasForeignKey(l => l.PaymentId).OnDelete(DeleteBehavior.Cascade);
        payment.Property(p => p.RefundVersion).HasColumnName("refund_version").IsConcurrencyToken();

        var line = modelBuilder.Entity<PaymentLine>();
        line.ToTable("payment_lines");
        line.HasKey(l => new { l.PaymentId, l.LineId });
        line.Property(l => l.PaymentId).HasColumnName("payment_id");
        line.Property(l => l.LineId).HasColumnName("line_id");
        line.Property(l => l.ShopId).HasColumnName("shop_id");
        line.Property(l => l.Amount).HasColumnName("amount").HasPrecision(19, 4);
        line.Property(l => l.RefundId).HasColumnName("refund_id");

        var owner = modelBuilder.Entity<ShopOwner>();
        owner.ToTable("shop_owners");
        owner.HasKey(o => o.ShopId);
        owner.Property(o => o.ShopId).HasColumnName("shop_id").ValueGeneratedNever();
        owner.Property(o => o.OwnerId).HasColumnName("owner_id");
        owner.Property(o => o.UpdatedAt).HasColumnName("updated_at");
        owner.HasIndex(o => o.OwnerId);

        var share = modelBuilder.Entity<PaymentShare>();
        share.ToTable("payment_shares");
        share.HasKey(s => new { s.PaymentId, s.ShopId });
        share.Property(s => s.PaymentId).HasColumnName("payment_id");
        share.Property(s => s.ShopId).HasColumnName("shop_id");
        share.Property(s => s.Amount).HasColumnName("amount").HasPrecision(19, 4);

        var attempt = modelBuilder.Entity<PaymentAttempt>();
        attempt.ToTable("payment_attempts");
        attempt.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
        attempt.Property(a => a.PaymentId).HasColumnName("payment_id");
        attempt.Property(a => a.Number).HasColumnName("number");
        attempt.Property(a => a.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        attempt.Property(a => a.Outcome).HasColumnName("outcome").HasMaxLength(16);
        attempt.Property(a => a.Reason).HasColumnName("reason").HasMaxLength(64);
        attempt.Property(a => a.ProviderPaymentIntentId).HasColumnName("provider_payment_intent_id").HasMaxLength(255);
        attempt.Property(a => a.At).HasColumnName("at");
        attempt.HasIndex(a => new { a.PaymentId, a.Number }).IsUnique();

        var refund = modelBuilder.Entity<Refund>();
        refund.ToTable("refunds");
        refund.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        refund.Property(r => r.PaymentId).HasColumnName("payment_id");
        refund.Property(r => r.Amount).HasColumnName("amount").HasPrecision(19, 4);
        refund.Property(r => r.Reason).HasColumnName("reason").HasMaxLength(500);
        refund.Property(r => r.Status).HasColumnName("status").HasMaxLength(16);
        refund.Property(r => r.ProviderRefundId).HasColumnName("provider_refund_id").HasMaxLength(255);
        refund.Property(r => r.DueAt).HasColumnName("due_at").IsConcurrencyToken();
        refund.Property(r => r.Tries).HasColumnName("tries");
        refund.Property(r => r.CreatedAt).HasColumnName("created_at");
        refund.Property(r => r.SucceededAt).HasColumnName("succeeded_at");
        refund.HasIndex(r => new { r.Status, r.DueAt });
        refund.Property(r => r.ShopId).HasColumnName("shop_id");
        refund.Property(r => r.RequestedBy).HasColumnName("requested_by");
        refund.Property(r => r.RequestKey).HasColumnName("request_key").HasMaxLength(255);
        refund.Property(r => r.RequestHash).HasColumnName("request_hash").HasMaxLength(64);
        // One refund per caller and Idempotency-Key; one row per refund made at the provider (webhooks record it once).
        refund.HasIndex(r => new { r.RequestedBy, r.RequestKey }).IsUnique().HasFilter("request_key IS NOT NULL");
        refund.HasIndex(r => r.ProviderRefundId).IsUnique().HasFilter("provider_refund_id IS NOT NULL");

        var webhook = modelBuilder.Entity<WebhookEvent>();
        webhook.ToTable("webhook_events");
        webhook.HasKey(w => w.EventId);
        webhook.Property(w => w.EventId).HasColumnName("event_id").HasMaxLength(255);
        webhook.Property(w => w.Type).HasColumnName("type").HasMaxLength(64);
        webhook.Property(w => w.ReceivedAt).HasColumnName("received_at");

        if (Database.IsSqlite())
        {
            // SQLite cannot compare or sort DateTimeOffset text: our own times are sortable integers there.
            var converter = new DateTimeOffsetToBinaryConverter();
            method.Property(m => m.CreatedAt).HasConversion(converter);
            customer.Property(c => c.CreatedAt).HasConversion(converter);
            owner.Property(o => o.UpdatedAt).HasConversion(converter);
            payment.Property(p => p.OrderReceivedAt).HasConversion(converter);
            payment.Property(p => p.StockReservedAt).HasConversion(converter);
            payment.Property(p => p.ChargeDueAt).HasConversion(converter);
            payment.Property(p => p.ChargeStartedAt).HasConversion(converter);
            payment.Property(p => p.CreatedAt).HasConversion(converter);
            payment.Property(p => p.UpdatedAt).HasConversion(converter);
            attempt.Property(a => a.At).HasConversion(converter);
            webhook.Property(w => w.ReceivedAt).HasConversion(converter);
            refund.Property(r => r.DueAt).HasConversion(converter);
            refund.Property(r => r.CreatedAt).HasConversion(converter);
            refund.Property(r => r.SucceededAt).HasConversion(converter);
        }
    }
}
