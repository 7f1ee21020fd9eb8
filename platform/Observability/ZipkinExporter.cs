using System.Buffers;
using System.Net.Http.Headers;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace EStore.Platform.Observability;

/// <summary>
/// POSTs batches of spans, already written as Zipkin v2 JSON, to Zipkin. Runs on the export
/// processor's own thread, so a slow or absent Zipkin never delays a request: a failed batch is
/// dropped (not retried), counted, and reported by at most one warning a minute.
/// </summary>
internal sealed partial class ZipkinExporter : IDisposable
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly Uri _endpoint;
    private readonly ZipkinExportStatistics _statistics;
    private readonly LogThrottle _warnings;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private long _droppedSinceWarning;
    private bool _failing;

    public ZipkinExporter(ObservabilitySettings settings, ZipkinExportStatistics statistics, TimeProvider time, ILogger logger)
    {
        _endpoint = settings.ZipkinEndpoint ?? throw new ArgumentException("No Zipkin endpoint.", nameof(settings));
        _statistics = statistics;
        _warnings = new LogThrottle(time, WarningInterval);
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // The export call must not carry (or start) a trace of its own.
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Min(settings.ExportTimeoutMilliseconds, 2000)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromMilliseconds(settings.ExportTimeoutMilliseconds),
        };
    }

    /// <summary>Sends <paramref name="spans"/> in one POST and gives their buffers back to the pool.</summary>
    public void Export(ReadOnlySpan<SerializedSpan> spans)
    {
        // Without this, the POST's own HttpClient span would be exported, and so on forever.
        using var suppress = SuppressInstrumentationScope.Begin();
        var count = spans.Length;
        if (count == 0)
        {
            return;
        }
        try
        {
            Join(spans);
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
            {
                Content = new ReadOnlyMemoryContent(_buffer.WrittenMemory),
            };
            request.Content.Headers.ContentType = JsonContentType;
            // B3's "don't trace this" for any tracing proxy between us and Zipkin.
            request.Headers.TryAddWithoutValidation(TraceContextPropagator.B3Single, "0");
            using var response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                Fail(count, $"HTTP {(int)response.StatusCode}");
                return;
            }
            _statistics.Succeeded(count);
            if (_failing)
            {
                _failing = false;
                LogRecovered(_endpoint);
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the batch is lost and the export thread must live on.
            Fail(count, ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The body: a JSON array of the spans' JSON (no BOM: Zipkin rejects a body that does not start with '[').</summary>
    private void Join(ReadOnlySpan<SerializedSpan> spans)
    {
        _buffer.ResetWrittenCount();
        Append((byte)'[');
        for (var i = 0; i < spans.Length; i++)
        {
            if (i > 0)
            {
                Append((byte)',');
            }
            _buffer.Write(spans[i].Json);
            spans[i].Return();
        }
        Append((byte)']');
    }

    private void Append(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void Fail(int count, string reason)
    {
        _statistics.Failed(count);
        _droppedSinceWarning += count;
        _failing = true;
        if (_warnings.TryAcquire(out _))
        {
            LogUnreachable(_endpoint, reason, _droppedSinceWarning);
            _droppedSinceWarning = 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zipkin at {Endpoint} is not accepting spans ({Reason}); {Dropped} spans dropped. Requests are unaffected; this warning repeats at most once a minute.")]
    private partial void LogUnreachable(Uri endpoint, string reason, long dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zipkin at {Endpoint} is accepting spans again")]
    private partial void LogRecovered(Uri endpoint);
}
