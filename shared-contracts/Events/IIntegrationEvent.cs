namespace EStore.Contracts.Events;

/// <summary>An event one service publishes to the others over Kafka.</summary>
public interface IIntegrationEvent
{
    /// <summary>Unique id of this event; consumers de-duplicate on it (the <c>event-id</c> header).</summary>
    Guid EventId { get; }

    /// <summary>When the state change that raised the event happened.</summary>
    DateTimeOffset OccurredAt { get; }

    /// <summary>The contract's schema version; raised when a field changes meaning or is removed.</summary>
    int Version { get; }

    /// <summary>
    /// The id of the aggregate the event belongs to: the Kafka message key, so that one aggregate's
    /// events land in one partition and are consumed in the order they were produced.
    /// </summary>
    string AggregateKey { get; }
}

/// <summary>Base record of every EStore event: id, time and schema version.</summary>
public abstract record IntegrationEvent : IIntegrationEvent
{
    /// <inheritdoc />
    // Version 7: time-ordered, so inbox and outbox indexes grow at their end.
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    /// <inheritdoc />
    // Required rather than defaulted: the producer sets it from its TimeProvider.
    public required DateTimeOffset OccurredAt { get; init; }

    /// <inheritdoc />
    public int Version { get; init; } = 1;

    /// <inheritdoc />
    /// <remarks>Not part of the JSON payload (see <see cref="EventJson"/>).</remarks>
    public abstract string AggregateKey { get; }
}

/// <summary>An amount of money in one currency.</summary>
/// <param name="Amount">The amount, in the currency's major unit (12.50).</param>
/// <param name="Currency">ISO 4217 code, for example <c>EUR</c>.</param>
public sealed record Money(decimal Amount, string Currency);
