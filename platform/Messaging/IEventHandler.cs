using EStore.Contracts.Events;

namespace EStore.Platform.Messaging;

/// <summary>
/// Handles one event type. It runs in a DI scope whose DbContext already holds the event's inbox
/// row inside an open transaction: whatever the handler writes through that DbContext (including
/// <see cref="IEventOutbox"/> events) commits together with the inbox row, exactly once per event id.
/// Throwing rolls everything back; the event is retried, then dead-lettered.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public interface IEventHandler<in TEvent>
    where TEvent : IIntegrationEvent
{
    /// <summary>Applies the event's effect. Do not commit a transaction yourself; <c>SaveChangesAsync</c> is fine.</summary>
    /// <param name="event">The event.</param>
    /// <param name="context">Where the message came from.</param>
    /// <param name="cancellationToken">Cancelled only when shutdown can no longer wait for the handler.</param>
    Task HandleAsync(TEvent @event, EventContext context, CancellationToken cancellationToken);
}

/// <summary>Delivery details of the message being handled.</summary>
/// <param name="EventId">The event id (inbox key).</param>
/// <param name="EventType">The wire name of the event.</param>
/// <param name="Topic">The topic it was read from.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset.</param>
/// <param name="Key">The message key (the aggregate id).</param>
/// <param name="TraceParent">The producer's W3C trace context, if any.</param>
/// <param name="Attempt">1 for the first attempt, then 2, 3... after failures.</param>
public sealed record EventContext(Guid EventId, string EventType, string Topic, int Partition, long Offset, string? Key, string? TraceParent, int Attempt);
