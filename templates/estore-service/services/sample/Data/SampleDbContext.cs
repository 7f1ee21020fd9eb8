using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Sample.Data;

/// <summary>sample-service's own database: the messaging outbox/inbox, and its entities as they arrive.</summary>
public sealed class SampleDbContext(DbContextOptions<SampleDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
    }
}
