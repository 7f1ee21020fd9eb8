using System.Diagnostics;

namespace EStore.Platform.Observability;

/// <summary>
/// PRODUCER and CONSUMER spans for Kafka, from this application's <c>EStore.Messaging</c>
/// <see cref="ActivitySource"/> (one per application, resolved from DI, so two applications
/// in one process each export their own spans). Names and tags follow the OpenTelemetry
/// messaging conventions: <c>send {topic}</c> and <c>process {topic}</c>.
/// </summary>
public sealed class MessagingTracing : IDisposable
{
    /// <summary>Name of the messaging activity source.</summary>
    public const string SourceName = "EStore.Messaging";

    /// <summary>Creates the source.</summary>
    public MessagingTracing() => Source = new ActivitySource(SourceName, typeof(MessagingTracing).Assembly.GetName().Version?.ToString());

    /// <summary>This application's messaging source.</summary>
    public ActivitySource Source { get; }

    /// <summary>
    /// Starts the PRODUCER span of a publication and writes its context into the message headers
    /// through <paramref name="setHeader"/> (which must replace a header of the same name).
    /// </summary>
    /// <param name="topic">The destination topic.</param>
    /// <param name="setHeader">Writes one header into the outgoing message.</param>
    /// <param name="parent">The parent, for example an outbox row's stored context; default uses the current activity.</param>
    /// <param name="messageKey">The Kafka message key, if any.</param>
    /// <returns>The span (dispose it when the broker has acknowledged), or null when not sampled.</returns>
    public Activity? StartProducer(string topic, Action<string, byte[]> setHeader, ActivityContext parent = default, string? messageKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var activity = Source.StartActivity(ActivityKind.Producer, parent, Tags("send", "send", topic, messageKey), name: $"send {topic}");
        // Unsampled or unlistened: still pass the caller's context on, so the decision travels.
        TraceContextHeaders.Inject(activity, setHeader);
        return activity;
    }

    /// <summary>
    /// Starts the CONSUMER span of one message as a child of the producer's context read from the
    /// headers (Zipkin has no span links, so a child is the only way to keep one trace).
    /// </summary>
    /// <param name="topic">The topic the message came from.</param>
    /// <param name="getLastHeader">Returns a header's last value, or null.</param>
    /// <param name="consumerGroup">The consumer group, if any.</param>
    /// <param name="partition">The partition, if known.</param>
    /// <param name="offset">The offset, if known.</param>
    /// <param name="messageKey">The Kafka message key, if any.</param>
    /// <returns>The span (dispose it when the handler has finished), or null when not sampled.</returns>
    public Activity? StartConsumer(string topic, Func<string, byte[]?> getLastHeader, string? consumerGroup = null, int? partition = null, long? offset = null, string? messageKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(getLastHeader);
        TraceContextHeaders.TryExtract(getLastHeader, out var parent);
        var tags = Tags("process", "process", topic, messageKey);
        if (consumerGroup is not null)
        {
            tags.Add(new("messaging.consumer.group.name", consumerGroup));
        }
        if (partition is { } p)
        {
            tags.Add(new("messaging.destination.partition.id", p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (offset is { } o)
        {
            tags.Add(new("messaging.kafka.offset", o));
        }
        // Without a context in the message, this is a new trace, whatever the current activity.
        var activity = parent == default
            ? StartRoot(tags, $"process {topic}")
            : Source.StartActivity(ActivityKind.Consumer, parent, tags, name: $"process {topic}");
        return activity;
    }

    /// <summary>Marks the span as failed by <paramref name="exception"/> (status, <c>error.type</c>, an <c>exception</c> event).</summary>
    public static void RecordError(Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", exception.GetType().FullName);
        activity.AddException(exception);
    }

    /// <inheritdoc />
    public void Dispose() => Source.Dispose();

    private Activity? StartRoot(List<KeyValuePair<string, object?>> tags, string name)
    {
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            return Source.StartActivity(ActivityKind.Consumer, default(ActivityContext), tags, name: name);
        }
        finally
        {
            // StartActivity made the new span current; keep it so, or restore the caller's when none was made.
            if (Activity.Current is null)
            {
                Activity.Current = current;
            }
        }
    }

    private static List<KeyValuePair<string, object?>> Tags(string operation, string operationType, string topic, string? messageKey)
    {
        var tags = new List<KeyValuePair<string, object?>>(8)
        {
            new("messaging.system", "kafka"),
            new("messaging.operation.name", operation),
            new("messaging.operation.type", operationType),
            new("messaging.destination.name", topic),
            // The Zipkin exporter names the remote service (the broker) from peer.service, on PRODUCER spans only: it
            // writes no remote endpoint for CONSUMER spans, so Zipkin draws producer -> kafka but not kafka -> consumer.
            new("peer.service", "kafka"),
        };
        if (messageKey is not null)
        {
            tags.Add(new("messaging.kafka.message.key", messageKey));
        }
        return tags;
    }
}
