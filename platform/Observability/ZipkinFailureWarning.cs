using System.Diagnostics.Tracing;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Observability;

/// <summary>
/// Turns the Zipkin exporter's failed exports, which it reports only to its EventSource, into one warning a minute in
/// this application's log, so an operator learns that spans are being dropped.
/// </summary>
internal sealed class ZipkinFailureWarning : EventListener
{
    private const string ExporterSource = "OpenTelemetry-Exporter-Zipkin";
    private const int FailedExportEvent = 1;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Uri _endpoint;
    private long _nextWarning;

    public ZipkinFailureWarning(ILoggerFactory loggers, TimeProvider time, Uri endpoint)
    {
        _logger = loggers.CreateLogger("EStore.Platform.Observability.Zipkin");
        _time = time;
        _endpoint = endpoint;
        // The base constructor announced the sources that already existed, before the fields above were set.
        foreach (var source in EventSource.GetSources())
        {
            OnEventSourceCreated(source);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == ExporterSource)
        {
            EnableEvents(eventSource, EventLevel.Error);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // Events can arrive while the base constructor runs, before the fields are set.
        if (eventData.EventId != FailedExportEvent || _logger is null)
        {
            return;
        }
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextWarning);
        if (now >= next && Interlocked.CompareExchange(ref _nextWarning, now + (long)(Interval.TotalSeconds * _time.TimestampFrequency), next) == next)
        {
            _logger.LogWarning("Zipkin at {Endpoint} is not accepting spans ({Error}); spans are dropped while it is away (one warning a minute).",
                _endpoint, eventData.Payload?.FirstOrDefault());
        }
    }
}
