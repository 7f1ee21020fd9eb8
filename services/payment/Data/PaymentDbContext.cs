using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Data;

/// <summary>payment-service's own database: the messaging outbox/inbox, and its entities as they arrive.</summary>
public sealed class PaymentDbContext(DbContextOptions<PaymentDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
    }
}
