using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Order.Data;

/// <summary>order-service's own database: the messaging outbox/inbox, and its entities as they arrive.</summary>
public sealed class OrderDbContext(DbContextOptions<OrderDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
    }
}
