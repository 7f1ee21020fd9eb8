using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Cart.Data;

/// <summary>cart-service's own database: the messaging outbox/inbox, and its entities as they arrive.</summary>
public sealed class CartDbContext(DbContextOptions<CartDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
    }
}
