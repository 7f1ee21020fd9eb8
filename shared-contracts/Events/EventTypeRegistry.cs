using System.Diagnostics.CodeAnalysis;

namespace EStore.Contracts.Events;

/// <summary>One event type: its name on the wire (the <c>event-type</c> header), CLR type and topic.</summary>
/// <param name="Name">The stable wire name, for example <c>OrderCreated</c>.</param>
/// <param name="ClrType">The record that carries it.</param>
/// <param name="Topic">The topic it is published to.</param>
public sealed record EventType(string Name, Type ClrType, string Topic)
{
    /// <summary>Describes <typeparamref name="TEvent"/>.</summary>
    public static EventType Of<TEvent>(string name, string topic)
        where TEvent : IIntegrationEvent => new(name, typeof(TEvent), topic);
}

/// <summary>
/// Maps wire names to CLR types and topics. <see cref="Default"/> is the single table of every
/// EStore event (architecture.md, "Events"); producers and consumers both read it.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, EventType> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, EventType> _byType = [];

    /// <summary>Creates a registry.</summary>
    /// <exception cref="ArgumentException">A name or type appears twice, or a type is not an <see cref="IIntegrationEvent"/>.</exception>
    public EventTypeRegistry(IEnumerable<EventType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (var type in types)
        {
            if (!typeof(IIntegrationEvent).IsAssignableFrom(type.ClrType) || type.ClrType.IsAbstract)
            {
                throw new ArgumentException($"{type.ClrType.Name} is not a concrete {nameof(IIntegrationEvent)}.", nameof(types));
            }
            if (string.IsNullOrWhiteSpace(type.Name) || string.IsNullOrWhiteSpace(type.Topic))
            {
                throw new ArgumentException($"{type.ClrType.Name} needs a name and a topic.", nameof(types));
            }
            if (!_byName.TryAdd(type.Name, type) || !_byType.TryAdd(type.ClrType, type))
            {
                throw new ArgumentException($"event type {type.Name} ({type.ClrType.Name}) is registered twice.", nameof(types));
            }
        }
    }

    /// <summary>Every EStore event, with the topic of the service that produces it.</summary>
    public static EventTypeRegistry Default { get; } = new(
    [
        EventType.Of<UserRegistered>("UserRegistered", Topics.Identity),
        EventType.Of<EmailVerificationRequested>("EmailVerificationRequested", Topics.Identity),
        EventType.Of<EmailVerified>("EmailVerified", Topics.Identity),
        EventType.Of<PasswordResetRequested>("PasswordResetRequested", Topics.Identity),
        EventType.Of<UserRoleChanged>("UserRoleChanged", Topics.Identity),
        EventType.Of<UserDisabled>("UserDisabled", Topics.Identity),
        EventType.Of<UserEnabled>("UserEnabled", Topics.Identity),
        EventType.Of<TokenRevoked>("TokenRevoked", Topics.Identity),

        EventType.Of<ShopCreated>("ShopCreated", Topics.Shop),
        EventType.Of<ShopUpdated>("ShopUpdated", Topics.Shop),
        EventType.Of<ShopStatusChanged>("ShopStatusChanged", Topics.Shop),

        EventType.Of<StockReserved>("StockReserved", Topics.Product),
        EventType.Of<StockReservationFailed>("StockReservationFailed", Topics.Product),
        EventType.Of<StockReleased>("StockReleased", Topics.Product),
        EventType.Of<LowStockDetected>("LowStockDetected", Topics.Product),
        EventType.Of<ProductChanged>("ProductChanged", Topics.Product),

        EventType.Of<OrderCreated>("OrderCreated", Topics.Order),
        EventType.Of<OrderConfirmed>("OrderConfirmed", Topics.Order),
        EventType.Of<OrderCancelled>("OrderCancelled", Topics.Order),
        EventType.Of<OrderLineCancelled>("OrderLineCancelled", Topics.Order),
        EventType.Of<OrderShipped>("OrderShipped", Topics.Order),
        EventType.Of<OrderDelivered>("OrderDelivered", Topics.Order),

        EventType.Of<PaymentSucceeded>("PaymentSucceeded", Topics.Payment),
        EventType.Of<PaymentFailed>("PaymentFailed", Topics.Payment),
        EventType.Of<PaymentRefunded>("PaymentRefunded", Topics.Payment),
    ]);

    /// <summary>Every registered type.</summary>
    public IReadOnlyCollection<EventType> All => _byName.Values;

    /// <summary>The entry of <typeparamref name="TEvent"/>.</summary>
    /// <exception cref="ArgumentException">The type is not registered.</exception>
    public EventType Get<TEvent>()
        where TEvent : IIntegrationEvent => Get(typeof(TEvent));

    /// <summary>The entry of a CLR type.</summary>
    /// <exception cref="ArgumentException">The type is not registered.</exception>
    public EventType Get(Type clrType) =>
        _byType.TryGetValue(clrType, out var type)
            ? type
            : throw new ArgumentException($"{clrType.Name} is not a registered event type.", nameof(clrType));

    /// <summary>Looks up a wire name (case-sensitive).</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out EventType? type) => _byName.TryGetValue(name, out type);

    /// <summary>A registry with these types added (service-private or test events).</summary>
    public EventTypeRegistry With(params IEnumerable<EventType> extra) => new(All.Concat(extra));
}
