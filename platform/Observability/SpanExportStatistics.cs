using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace EStore.Platform.Observability;

/// <summary>
/// One exporter's counts (Zipkin or OTLP; in DI, one instance each): spans waiting, exported and dropped. The queue limit
/// is enforced here (in front of the SDK's batch processor, whose own counts are internal), so the queue's length is
/// known and never exceeds <see cref="MaxQueueSize"/>. Also logs one warning a minute while exports fail.
/// </summary>
public sealed class SpanExportStatistics
{
    /// <summary>Meter of the export figures (<c>estore.tracing.*</c>).</summary>
    public const string MeterName = "EStore.Tracing";
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly Uri _endpoint;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _queued;
    private long _maxQueued;
    private long _exported;
    private long _droppedQueueFull;
    private long _droppedExportFailed;
    private long _nextWarning;

    internal SpanExportStatistics(string exporter, Uri endpoint, int maxQueueSize, ILogger logger, TimeProvider time)
    {
        Exporter = exporter;
        // Logged: without user info or query, where collector credentials may sit.
        _endpoint = new Uri(endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        MaxQueueSize = maxQueueSize;
        _logger = logger;
        _time = time;
    }

    /// <summary><c>zipkin</c> or <c>otlp</c> (the metrics' <c>exporter</c> tag).</summary>
    public string Exporter { get; }

    /// <summary>The queue's limit (<c>Zipkin:MaxQueueSize</c>).</summary>
    public int MaxQueueSize { get; }

    /// <summary>Spans waiting for export now.</summary>
    public long QueueLength => Interlocked.Read(ref _queued);

    /// <summary>The longest the queue has been.</summary>
    public long MaxQueueLengthSeen => Interlocked.Read(ref _maxQueued);

    /// <summary>Spans the exporter's endpoint accepted.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Spans dropped because the queue was full (the endpoint slow or away).</summary>
    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);

    /// <summary>Spans dropped because their export failed (the endpoint unreachable or refusing).</summary>
    public long DroppedExportFailed => Interlocked.Read(ref _droppedExportFailed);

    /// <summary>Takes a place in the queue; false when it is full (the span is dropped and counted).</summary>
    internal bool TryEnqueue()
    {
        var length = Interlocked.Increment(ref _queued);
        if (length > MaxQueueSize)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _droppedQueueFull);
            return false;
        }
        var seen = Interlocked.Read(ref _maxQueued);
        while (length > seen)
        {
            var previous = Interlocked.CompareExchange(ref _maxQueued, length, seen);
            if (previous == seen)
            {
                break;
            }
            seen = previous;
        }
        return true;
    }

    /// <summary>The exporter received a batch of <paramref name="count"/> spans: they leave the queue.</summary>
    internal void Dequeued(long count) => Interlocked.Add(ref _queued, -count);

    /// <summary>Counts a batch's spans as exported or dropped by <paramref name="result"/>, which it returns.</summary>
    internal ExportResult Completed(long count, ExportResult result)
    {
        if (result == ExportResult.Success)
        {
            Interlocked.Add(ref _exported, count);
            return result;
        }
        Interlocked.Add(ref _droppedExportFailed, count);
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextWarning);
        if (now >= next && Interlocked.CompareExchange(ref _nextWarning, now + (long)(WarningInterval.TotalSeconds * _time.TimestampFrequency), next) == next)
        {
            _logger.LogWarning("The {Exporter} exporter: {Endpoint} is not accepting spans; spans are dropped while it is away (counted in estore.tracing.spans.dropped; one warning a minute).",
                Exporter, _endpoint);
        }
        return result;
    }

    /// <summary>The counts as <c>estore.tracing.spans.exported</c>, <c>estore.tracing.spans.dropped</c> and <c>estore.tracing.queue.size</c>.</summary>
    internal static void CreateMeter(IMeterFactory meters, IReadOnlyList<SpanExportStatistics> exporters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("estore.tracing.spans.exported",
            () => exporters.Select(s => new Measurement<long>(s.Exported, s.Tag())), "{span}", "Spans the trace store accepted.");
        meter.CreateObservableCounter("estore.tracing.spans.dropped", () => exporters.SelectMany(s => new[]
        {
            new Measurement<long>(s.DroppedQueueFull, s.Tag(), new("reason", "queue_full")),
            new Measurement<long>(s.DroppedExportFailed, s.Tag(), new("reason", "export_failed")),
        }), "{span}", "Spans dropped because the trace store was slow or unreachable.");
        meter.CreateObservableUpDownCounter("estore.tracing.queue.size",
            () => exporters.Select(s => new Measurement<long>(s.QueueLength, s.Tag())), "{span}", "Spans waiting for export.");
    }

    private KeyValuePair<string, object?> Tag() => new("exporter", Exporter);
}
