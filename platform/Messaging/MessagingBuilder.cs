using EStore.Contracts;
using EStore.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EStore.Platform.Messaging;

/// <summary>Declares what a service publishes and which events it handles (see <c>AddKafkaMessaging</c>).</summary>
public sealed class MessagingBuilder
{
    private readonly IServiceCollection _services;
    private readonly HashSet<string> _published = new(StringComparer.Ordinal);
    private readonly List<(Type Event, string? Topic, Type Handler, Func<IServiceProvider, IIntegrationEvent, EventContext, CancellationToken, Task> Invoke)> _handlers = [];

    internal MessagingBuilder(IServiceCollection services) => _services = services;

    /// <summary>The event table; <see cref="EventTypeRegistry.Default"/> unless replaced (tests, private events).</summary>
    public EventTypeRegistry Registry { get; set; } = EventTypeRegistry.Default;

    /// <summary>
    /// Declares a topic this service writes events to through <see cref="IEventOutbox"/>; the topic
    /// is created at startup and the outbox relay runs.
    /// </summary>
    public MessagingBuilder Publishes(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _published.Add(topic);
        return this;
    }

    /// <summary>
    /// Handles <typeparamref name="TEvent"/> with <typeparamref name="THandler"/> (registered scoped).
    /// Several handlers of one event run in registration order, in one transaction.
    /// </summary>
    /// <param name="topic">The topic it arrives on; defaults to the event's topic in <see cref="Registry"/> and must match it.</param>
    public MessagingBuilder Consumes<TEvent, THandler>(string? topic = null)
        where TEvent : IIntegrationEvent
        where THandler : class, IEventHandler<TEvent>
    {
        _services.TryAddScoped<THandler>();
        _handlers.Add((typeof(TEvent), topic, typeof(THandler),
            (services, @event, context, cancellationToken) =>
                services.GetRequiredService<THandler>().HandleAsync((TEvent)@event, context, cancellationToken)));
        return this;
    }

    internal MessagingTopology Build()
    {
        var handlers = new Dictionary<string, List<HandlerRegistration>>(StringComparer.Ordinal);
        foreach (var (eventType, topic, handler, invoke) in _handlers)
        {
            var type = Registry.Get(eventType);
            if (topic is not null && topic != type.Topic)
            {
                throw new ArgumentException($"{type.Name} is published on {type.Topic}, not {topic}.");
            }
            if (!handlers.TryGetValue(type.Name, out var list))
            {
                handlers[type.Name] = list = [];
            }
            list.Add(new HandlerRegistration(type, handler, invoke));
        }
        return new MessagingTopology(
            _published.ToHashSet(StringComparer.Ordinal),
            handlers.ToDictionary(h => h.Key, h => (IReadOnlyList<HandlerRegistration>)h.Value, StringComparer.Ordinal));
    }
}

/// <summary>One handler of one event type.</summary>
internal sealed record HandlerRegistration(
    EventType EventType,
    Type HandlerType,
    Func<IServiceProvider, IIntegrationEvent, EventContext, CancellationToken, Task> Invoke);

/// <summary>What the service publishes and consumes, fixed at startup.</summary>
internal sealed class MessagingTopology(IReadOnlySet<string> publishedTopics, IReadOnlyDictionary<string, IReadOnlyList<HandlerRegistration>> handlers)
{
    public IReadOnlySet<string> PublishedTopics { get; } = publishedTopics;

    /// <summary>Handlers by event wire name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HandlerRegistration>> Handlers { get; } = handlers;

    public IReadOnlyList<string> ConsumedTopics { get; } =
        handlers.Values.SelectMany(h => h).Select(h => h.EventType.Topic).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Topics created at startup: published ones, consumed ones and their dead-letter topics.</summary>
    public IReadOnlyList<string> TopicsToCreate =>
        PublishedTopics.Concat(ConsumedTopics).Concat(ConsumedTopics.Select(Topics.DeadLetterOf))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
