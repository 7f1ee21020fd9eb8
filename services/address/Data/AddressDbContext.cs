using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Address.Data;

/// <summary>address-service's own database: the messaging outbox/inbox, and its entities as they arrive.</summary>
public sealed class AddressDbContext(DbContextOptions<AddressDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
    }
}
