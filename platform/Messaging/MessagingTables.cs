using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EStore.Platform.Messaging;

/// <summary>An event waiting in (or already sent from) the transactional outbox.</summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the relay publishes one aggregate's rows in this order.</summary>
    public long Id { get; set; }
    /// <summary>The event's id (<c>event-id</c> header).</summary>
    public Guid EventId { get; set; }
    /// <summary>The event's wire name (<c>event-type</c> header).</summary>
    public required string EventType { get; set; }
    /// <summary>The topic it goes to.</summary>
    public required string Topic { get; set; }
    /// <summary>The message key: the aggregate's id.</summary>
    public required string AggregateKey { get; set; }
    /// <summary>The event as JSON.</summary>
    public required string Payload { get; set; }
    /// <summary>W3C trace context of the code that raised the event (<c>traceparent</c> header).</summary>
    public string? TraceParent { get; set; }
    /// <summary>When the row was added (UTC).</summary>
    public DateTime CreatedAt { get; set; }
    /// <summary>When the broker acknowledged it (UTC); null while pending.</summary>
    public DateTime? SentAt { get; set; }
    /// <summary>Until when a relay instance holds the row (UTC).</summary>
    public DateTime? LeaseUntil { get; set; }
    /// <summary>The relay instance holding the row.</summary>
    public string? LeaseOwner { get; set; }
    /// <summary>How many times a relay claimed the row.</summary>
    public int Attempts { get; set; }
    /// <summary>Why the last publish failed.</summary>
    public string? LastError { get; set; }
}

/// <summary>An event a consumer group has handled: the idempotency record of the inbox.</summary>
public sealed class InboxMessage
{
    /// <summary>The consumer group that handled it.</summary>
    public required string Consumer { get; set; }
    /// <summary>The event's id.</summary>
    public Guid EventId { get; set; }
    /// <summary>The event's wire name.</summary>
    public required string EventType { get; set; }
    /// <summary>Where it was read: topic.</summary>
    public required string Topic { get; set; }
    /// <summary>Where it was read: partition.</summary>
    public int Partition { get; set; }
    /// <summary>Where it was read: offset.</summary>
    public long Offset { get; set; }
    /// <summary>When the handler's transaction committed (UTC).</summary>
    public DateTime ProcessedAt { get; set; }
}

/// <summary>Adds the outbox and inbox tables to a service's model.</summary>
public static class MessagingModelBuilderExtensions
{
    /// <summary>Table of <see cref="OutboxMessage"/>.</summary>
    public const string OutboxTable = "outbox_messages";

    /// <summary>Table of <see cref="InboxMessage"/>.</summary>
    public const string InboxTable = "inbox_messages";

    // SQLite hands DateTime back as Unspecified; everything here is UTC (Npgsql's timestamptz insists).
    private static readonly ValueConverter<DateTime, DateTime> Utc = new(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    /// <summary>
    /// Maps <see cref="OutboxMessage"/> and <see cref="InboxMessage"/> into the service's own
    /// database, so a state change and its events (or a handler's effect and its inbox row)
    /// commit in one transaction. Call it from <c>OnModelCreating</c>.
    /// </summary>
    public static ModelBuilder AddMessagingTables(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        var outbox = modelBuilder.Entity<OutboxMessage>();
        outbox.ToTable(OutboxTable);
        outbox.HasKey(m => m.Id);
        outbox.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
        outbox.Property(m => m.EventId).HasColumnName("event_id");
        outbox.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(200);
        outbox.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(249);
        outbox.Property(m => m.AggregateKey).HasColumnName("aggregate_key").HasMaxLength(200);
        outbox.Property(m => m.Payload).HasColumnName("payload");
        outbox.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(100);
        outbox.Property(m => m.CreatedAt).HasColumnName("created_at").HasConversion(Utc);
        outbox.Property(m => m.SentAt).HasColumnName("sent_at").HasConversion(Utc);
        outbox.Property(m => m.LeaseUntil).HasColumnName("lease_until").HasConversion(Utc);
        outbox.Property(m => m.LeaseOwner).HasColumnName("lease_owner").HasMaxLength(200);
        outbox.Property(m => m.Attempts).HasColumnName("attempts");
        outbox.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(2000);
        outbox.HasIndex(m => m.EventId).IsUnique();
        // Partial indexes: the relay only ever looks at pending rows, which stay few.
        outbox.HasIndex(m => m.Id, "ix_outbox_pending").HasFilter("sent_at IS NULL");
        outbox.HasIndex(m => new { m.Topic, m.AggregateKey, m.Id }, "ix_outbox_pending_key").HasFilter("sent_at IS NULL");
        outbox.HasIndex(m => m.SentAt, "ix_outbox_sent").HasFilter("sent_at IS NOT NULL");

        var inbox = modelBuilder.Entity<InboxMessage>();
        inbox.ToTable(InboxTable);
        inbox.HasKey(m => new { m.Consumer, m.EventId });
        inbox.Property(m => m.Consumer).HasColumnName("consumer").HasMaxLength(200);
        inbox.Property(m => m.EventId).HasColumnName("event_id");
        inbox.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(200);
        inbox.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(249);
        inbox.Property(m => m.Partition).HasColumnName("kafka_partition");
        inbox.Property(m => m.Offset).HasColumnName("kafka_offset");
        inbox.Property(m => m.ProcessedAt).HasColumnName("processed_at").HasConversion(Utc);
        inbox.HasIndex(m => m.ProcessedAt);
        return modelBuilder;
    }
}
