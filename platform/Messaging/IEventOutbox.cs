using System.Diagnostics;
using EStore.Contracts.Events;
using EStore.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EStore.Platform.Messaging;

/// <summary>
/// Records events in the service's outbox table. Rows are added to the scope's DbContext, so
/// they commit (or roll back) with the state change in the same <c>SaveChangesAsync</c> or
/// transaction; the relay publishes them afterwards.
/// </summary>
public interface IEventOutbox
{
    /// <summary>Adds <paramref name="event"/> to the outbox of the current DbContext (nothing is sent before commit).</summary>
    /// <exception cref="InvalidOperationException">The event's topic was not declared with <see cref="MessagingBuilder.Publishes"/>.</exception>
    void Add(IIntegrationEvent @event);
}

/// <summary>The scoped outbox bound to the scope's <typeparamref name="TContext"/>.</summary>
internal sealed class EventOutbox<TContext>(
    TContext context,
    EventTypeRegistry registry,
    MessagingTopology topology,
    OutboxSignal signal,
    TimeProvider time) : IEventOutbox
    where TContext : DbContext
{
    private bool _listening;

    /// <summary>True once an event was added in this scope.</summary>
    public bool HasEvents => _listening;

    public void Add(IIntegrationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = registry.Get(@event.GetType());
        if (!topology.PublishedTopics.Contains(type.Topic))
        {
            throw new InvalidOperationException(
                $"{type.Name} goes to {type.Topic}, which this service does not publish: add m.Publishes(\"{type.Topic}\") to AddKafkaMessaging.");
        }
        if (string.IsNullOrWhiteSpace(@event.AggregateKey))
        {
            throw new ArgumentException($"{type.Name} has no aggregate key.", nameof(@event));
        }

        context.Set<OutboxMessage>().Add(new OutboxMessage
        {
            EventId = @event.EventId,
            EventType = type.Name,
            Topic = type.Topic,
            AggregateKey = @event.AggregateKey,
            Payload = EventJson.Serialize(@event),
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });

        if (!_listening)
        {
            // Wake the relay right after the save instead of waiting for its next poll. Inside an
            // explicit transaction the save is not the commit yet: whoever commits wakes it (the
            // consumer does), or the next poll finds the rows.
            _listening = true;
            context.SavedChanges += (_, _) =>
            {
                if (context.Database.CurrentTransaction is null)
                {
                    signal.Wake();
                }
            };
        }
    }
}

/// <summary>Wakes the relay when this process has written outbox rows.</summary>
internal sealed class OutboxSignal : WakeSignal;

/// <summary>The outbox of a context in hand.</summary>
public static class EventOutboxExtensions
{
    /// <summary>
    /// An outbox that adds to <paramref name="context"/> itself, for code that has a context but no scope, such as the
    /// startup steps of <c>AddServiceDatabase</c>. Contexts are pooled, so <c>context.GetService&lt;IEventOutbox&gt;()</c>
    /// would resolve from the root provider and bind another context: its events would never be saved.
    /// </summary>
    public static IEventOutbox Outbox<TContext>(this TContext context)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(context);
        return new EventOutbox<TContext>(context, context.GetService<EventTypeRegistry>(), context.GetService<MessagingTopology>(),
            context.GetService<OutboxSignal>(), context.GetService<TimeProvider>());
    }
}
