using System.Diagnostics.Metrics;

namespace EStore.Platform.Messaging;

/// <summary>Names of the messaging meter and its instruments (System.Diagnostics.Metrics).</summary>
public static class MessagingMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "EStore.Messaging";
    /// <summary>Counter: events the broker acknowledged (tag <c>topic</c>).</summary>
    public const string Published = "estore.messaging.published";
    /// <summary>Counter: messages consumed (tags <c>topic</c>, <c>event_type</c>, <c>outcome</c> = handled, duplicate or ignored).</summary>
    public const string Consumed = "estore.messaging.consumed";
    /// <summary>Counter: handler attempts that failed and were retried (tags <c>topic</c>, <c>event_type</c>).</summary>
    public const string Retried = "estore.messaging.retried";
    /// <summary>Counter: messages moved to a dead-letter topic (tags <c>topic</c>, <c>reason</c>).</summary>
    public const string DeadLettered = "estore.messaging.dead_lettered";
    /// <summary>Gauge: outbox rows not yet acknowledged by the broker.</summary>
    public const string OutboxBacklog = "estore.messaging.outbox.backlog";
    /// <summary>Gauge: messages behind the end of the assigned partitions (tag <c>topic</c>).</summary>
    public const string ConsumerLag = "estore.messaging.consumer.lag";
}

/// <summary>The instruments, created from the host's <see cref="IMeterFactory"/>.</summary>
internal sealed class MessagingMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;

    public MessagingMetrics(IMeterFactory meters, MessagingState state)
    {
        var meter = meters.Create(MessagingMeter.Name);
        _published = meter.CreateCounter<long>(MessagingMeter.Published, "{event}", "Events the broker acknowledged.");
        _consumed = meter.CreateCounter<long>(MessagingMeter.Consumed, "{message}", "Messages consumed.");
        _retried = meter.CreateCounter<long>(MessagingMeter.Retried, "{attempt}", "Failed handler attempts that were retried.");
        _deadLettered = meter.CreateCounter<long>(MessagingMeter.DeadLettered, "{message}", "Messages moved to a dead-letter topic.");
        meter.CreateObservableGauge(MessagingMeter.OutboxBacklog, () => state.OutboxBacklog, "{event}", "Outbox rows waiting to be published.");
        meter.CreateObservableGauge(MessagingMeter.ConsumerLag,
            () => state.ConsumerLag.Select(l => new Measurement<long>(l.Value, new KeyValuePair<string, object?>("topic", l.Key))),
            "{message}", "Messages behind the end of the assigned partitions.");
    }

    public void Published(string topic) => _published.Add(1, new KeyValuePair<string, object?>("topic", topic));

    public void Consumed(string topic, string eventType, string outcome) =>
        _consumed.Add(1, new("topic", topic), new("event_type", eventType), new("outcome", outcome));

    public void Retried(string topic, string eventType) => _retried.Add(1, new("topic", topic), new("event_type", eventType));

    public void DeadLettered(string topic, string reason) => _deadLettered.Add(1, new("topic", topic), new("reason", reason));
}
