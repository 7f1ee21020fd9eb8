// OpenTelemetry.Exporter.Zipkin is marked obsolete upstream (Zipkin support leaves the OpenTelemetry specification;
// Zipkin is to ingest OTLP instead), but Zipkin is this design's trace store and the package is still built and served:
// we keep exporting to it, and offer OTLP beside it (Otlp:Endpoint). Only this file may use the obsolete types.
#pragma warning disable CS0618
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace EStore.Platform.Observability;

/// <summary>What the TracerProvider listens to, how it samples, and where spans go.</summary>
internal static class TracingRegistration
{
    public static void Configure(TracerProviderBuilder tracing, ObservabilitySettings settings)
    {
        tracing
            .SetSampler(new TracingSampler(settings))
            .AddAspNetCoreInstrumentation(options =>
            {
                options.Filter = context => !settings.IsPathExcluded(context.Request.Path.Value);
                options.EnrichWithHttpResponse = RecordHandledException;
            })
            .AddHttpClientInstrumentation()
            .AddSource("EStore.*");
        // YARP's "Yarp.ReverseProxy" source is not listened to: its proxy.forwarder span has kind SERVER, which
        // Zipkin would draw as a gateway -> gateway call; the forward is the HttpClient CLIENT span under the request.
        if (settings.ZipkinEndpoint is not null || settings.OtlpEndpoint is not null)
        {
            tracing.ConfigureServices(services => AddStatistics(services, settings));
            tracing.AddProcessor(services => new ActivityOwnership(
                [services.GetService<ActivitySource>(), services.GetRequiredService<MessagingTracing>().Source],
                Exporters(services, settings)));
        }
    }

    private static void AddStatistics(IServiceCollection services, ObservabilitySettings settings)
    {
        foreach (var (exporter, endpoint, category) in new[] { ("zipkin", settings.ZipkinEndpoint, "Zipkin"), ("otlp", settings.OtlpEndpoint, "Otlp") })
        {
            if (endpoint is not null)
            {
                services.AddSingleton(provider => new SpanExportStatistics(exporter, endpoint, settings.MaxQueueSize,
                    provider.GetRequiredService<ILoggerFactory>().CreateLogger($"EStore.Platform.Observability.{category}"),
                    provider.GetRequiredService<TimeProvider>()));
            }
        }
    }

    private static List<BaseProcessor<Activity>> Exporters(IServiceProvider services, ObservabilitySettings settings)
    {
        var statistics = services.GetServices<SpanExportStatistics>().ToArray();
        SpanExportStatistics.CreateMeter(services.GetRequiredService<IMeterFactory>(), statistics);
        var exporters = new List<BaseProcessor<Activity>>();
        if (settings.ZipkinEndpoint is { } zipkin)
        {
            // The official exporter writes endpoints with a service name only: no local port, the remote address as the
            // remote service name (the instance stays in the server.address/server.port tags).
            var client = new HttpClient { Timeout = TimeSpan.FromMilliseconds(settings.ExportTimeoutMilliseconds) };
            var counts = statistics.Single(s => s.Exporter == "zipkin");
            exporters.Add(new CountingBatchProcessor(new CountingZipkinExporter(new ZipkinExporterOptions { Endpoint = zipkin }, client, counts), counts, settings));
        }
        if (settings.OtlpEndpoint is { } otlp)
        {
            var counts = statistics.Single(s => s.Exporter == "otlp");
            exporters.Add(new CountingBatchProcessor(new CountingOtlpExporter(new OtlpExporterOptions
            {
                Endpoint = otlp,
                Protocol = otlp.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
                TimeoutMilliseconds = settings.ExportTimeoutMilliseconds,
            }, counts), counts, settings));
        }
        return exporters;
    }

    /// <summary>
    /// The exception handler turns a thrown exception into a 500 before the instrumentation sees it: the span still
    /// gets the error status with the exception's message and an <c>exception</c> event. Idempotent, since every
    /// TracerProvider in a process (tests run several) enriches every request.
    /// </summary>
    private static void RecordHandledException(Activity activity, HttpResponse response)
    {
        if (response.StatusCode < StatusCodes.Status500InternalServerError
            || response.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is not { } exception
            || activity.StatusDescription is not null)
        {
            return;
        }
        activity.SetTag("error.type", exception.GetType().FullName);
        activity.AddException(exception);
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
    }
}

/// <summary>
/// The SDK's batch processor behind our own count of waiting spans: past <c>Zipkin:MaxQueueSize</c> a span is dropped
/// and counted here (the SDK's own drop count is internal). The SDK's buffer has one batch more room than our limit,
/// because a batch leaves our count when the exporter receives it but the SDK's buffer only once it has been sent, so
/// that buffer never fills and never drops uncounted.
/// </summary>
internal sealed class CountingBatchProcessor(BaseExporter<Activity> exporter, SpanExportStatistics statistics, ObservabilitySettings settings)
    : BatchActivityExportProcessor(exporter, settings.MaxQueueSize + settings.MaxExportBatchSize, settings.ScheduledDelayMilliseconds,
        settings.ExportTimeoutMilliseconds, settings.MaxExportBatchSize)
{
    public override void OnEnd(Activity data)
    {
        if (data.Recorded && statistics.TryEnqueue())
        {
            base.OnEnd(data);
        }
    }
}

/// <summary>The official Zipkin exporter, counting each batch's spans as exported or dropped (and warning) by its result.</summary>
internal sealed class CountingZipkinExporter(ZipkinExporterOptions options, HttpClient client, SpanExportStatistics statistics)
    : ZipkinExporter(options, client)
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        statistics.Dequeued(batch.Count);
        return statistics.Completed(batch.Count, base.Export(batch));
    }
}

/// <summary>The official OTLP exporter, counted the same way.</summary>
internal sealed class CountingOtlpExporter(OtlpExporterOptions options, SpanExportStatistics statistics) : OtlpTraceExporter(options)
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        statistics.Dequeued(batch.Count);
        return statistics.Completed(batch.Count, base.Export(batch));
    }
}
