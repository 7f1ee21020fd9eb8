using System.Collections.Concurrent;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace EStore.Messaging.Tests.Infrastructure;

/// <summary>A test-only event: one entry for an account, with a sequence number and a behaviour for the handler.</summary>
public sealed record LedgerEvent(Guid AccountId, int Sequence, string Behaviour = LedgerEvent.Ok) : IntegrationEvent
{
    public const string Ok = "ok";
    public const string FailAlways = "fail-always";
    public const string FailOnce = "fail-once";
    public const string Slow = "slow";
    /// <summary>Publishes a follow-up event (sequence + 100) from the handler, and fails the first attempt after doing so.</summary>
    public const string ForwardFailOnce = "forward-fail-once";

    public static LedgerEvent Create(Guid accountId, int sequence, string behaviour = Ok) =>
        new(accountId, sequence, behaviour) { OccurredAt = DateTimeOffset.UtcNow };

    public override string AggregateKey => AccountId.ToString();
}

/// <summary>
/// The "ledger-service" used by every test: it publishes <see cref="LedgerEvent"/> and
/// <see cref="OrderCreated"/> through the outbox and handles both by writing ledger rows.
/// </summary>
public static class LedgerApp
{
    public const string AppName = "ledger-service";
    public const string Topic = "ledger.events";
    public const string InstanceKey = "Test:Instance";

    public static EventTypeRegistry Registry { get; } = EventTypeRegistry.Default.With(EventType.Of<LedgerEvent>("LedgerEvent", Topic));

    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        builder.AddServiceDatabase<LedgerDbContext>();
        builder.AddKafkaMessaging<LedgerDbContext>(m =>
        {
            m.Registry = Registry;
            m.Publishes(Topic);
            m.Publishes(Topics.Order);
            m.Consumes<LedgerEvent, LedgerHandler>(Topic);
            m.Consumes<OrderCreated, OrderCreatedHandler>(Topics.Order);
        });
        var app = builder.Build();
        app.MapServiceDefaults();
        return app;
    }
}

public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();

    public DbSet<Account> Accounts => Set<Account>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        var ledger = modelBuilder.Entity<LedgerEntry>();
        ledger.ToTable("ledger");
        // Deliberately no unique index on EventId: a duplicate effect must be visible, not rejected.
        ledger.HasIndex(e => e.EventId);
        modelBuilder.Entity<Account>().ToTable("accounts");
    }
}

/// <summary>The handlers' effect: one row per handled event.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public Guid EventId { get; set; }
    public Guid AccountId { get; set; }
    public int Sequence { get; set; }
    public required string EventType { get; set; }
    public required string HandledBy { get; set; }
    public int Partition { get; set; }
    public long Offset { get; set; }
}

/// <summary>The producing side's state: written in the same transaction as its events.</summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public int Entries { get; set; }
}

public sealed class LedgerHandler(LedgerDbContext db, IEventOutbox outbox, IConfiguration configuration) : IEventHandler<LedgerEvent>
{
    /// <summary>Slow events whose handler has started, for tests that stop a host mid-handler.</summary>
    public static ConcurrentDictionary<Guid, bool> SlowStarted { get; } = new();

    public async Task HandleAsync(LedgerEvent @event, EventContext context, CancellationToken cancellationToken)
    {
        switch (@event.Behaviour)
        {
            case LedgerEvent.FailAlways:
                throw new InvalidOperationException($"ledger entry {@event.Sequence} is rejected");
            case LedgerEvent.FailOnce when context.Attempt == 1:
                throw new InvalidOperationException("first attempt fails");
            case LedgerEvent.ForwardFailOnce:
                outbox.Add(LedgerEvent.Create(@event.AccountId, @event.Sequence + 100));
                if (context.Attempt == 1)
                {
                    throw new InvalidOperationException("fails after writing its follow-up event");
                }
                break;
            case LedgerEvent.Slow:
                SlowStarted[context.EventId] = true;
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                break;
        }
        db.Ledger.Add(new LedgerEntry
        {
            EventId = context.EventId,
            AccountId = @event.AccountId,
            Sequence = @event.Sequence,
            EventType = context.EventType,
            HandledBy = configuration[LedgerApp.InstanceKey] ?? "?",
            Partition = context.Partition,
            Offset = context.Offset,
        });
    }
}

public sealed class OrderCreatedHandler(LedgerDbContext db, IConfiguration configuration) : IEventHandler<OrderCreated>
{
    public async Task HandleAsync(OrderCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        // SaveChanges inside a handler is allowed: it joins the consumer's transaction.
        db.Ledger.Add(new LedgerEntry
        {
            EventId = context.EventId,
            AccountId = @event.OrderId,
            Sequence = @event.Lines.Sum(l => l.Quantity),
            EventType = context.EventType,
            HandledBy = configuration[LedgerApp.InstanceKey] ?? "?",
            Partition = context.Partition,
            Offset = context.Offset,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
