using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Notification.Data;

/// <summary>notification-service's own database: the messaging outbox/inbox, and its entities as they arrive.</summary>
public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
    }
}
