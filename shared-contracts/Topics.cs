namespace EStore.Contracts;

/// <summary>Kafka topics: one per producing service (architecture.md, "Events").</summary>
public static class Topics
{
    /// <summary>identity-service's events.</summary>
    public const string Identity = "identity.events";
    /// <summary>shop-service's events.</summary>
    public const string Shop = "shop.events";
    /// <summary>product-service's events.</summary>
    public const string Product = "product.events";
    /// <summary>order-service's events.</summary>
    public const string Order = "order.events";
    /// <summary>payment-service's events.</summary>
    public const string Payment = "payment.events";

    /// <summary>Every topic.</summary>
    public static IReadOnlyList<string> All { get; } = [Identity, Shop, Product, Order, Payment];

    /// <summary>The dead-letter topic of a topic.</summary>
    public static string DeadLetterOf(string topic) => topic + ".dlq";
}

/// <summary>Headers every event message carries.</summary>
public static class EventHeaders
{
    /// <summary>The event's type name, for dispatch.</summary>
    public const string EventType = "event-type";
    /// <summary>The event's unique id (UUID), for idempotent consumption.</summary>
    public const string EventId = "event-id";
    /// <summary>W3C trace context of the producer.</summary>
    public const string TraceParent = "traceparent";
}

/// <summary>Headers a consumer adds when it moves a message to <c>&lt;topic&gt;.dlq</c> (the original headers stay).</summary>
public static class DeadLetterHeaders
{
    /// <summary>Why the message could not be handled (the exception's message).</summary>
    public const string Error = "dlq-error";
    /// <summary>The kind of failure: <c>deserialization</c> or <c>handler</c>.</summary>
    public const string Reason = "dlq-reason";
    /// <summary>How many times the handler ran.</summary>
    public const string Attempts = "dlq-attempts";
    /// <summary>The topic the message was read from.</summary>
    public const string OriginalTopic = "dlq-original-topic";
    /// <summary>Its partition there.</summary>
    public const string OriginalPartition = "dlq-original-partition";
    /// <summary>Its offset there.</summary>
    public const string OriginalOffset = "dlq-original-offset";
    /// <summary>The consumer group that gave up on it.</summary>
    public const string ConsumerGroup = "dlq-consumer-group";
}
