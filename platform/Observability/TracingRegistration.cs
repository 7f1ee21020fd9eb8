// OpenTelemetry.Exporter.Zipkin is marked obsolete upstream (Zipkin support leaves the OpenTelemetry specification;
// Zipkin is to ingest OTLP instead), but Zipkin is this design's trace store and the package is still built and served:
// we keep exporting to it, and offer OTLP beside it (Otlp:Endpoint). Only this file may use the obsolete types.
#pragma warning disable CS0618
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
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
            .AddNpgsql()
            .AddSource("EStore.*");
        // YARP's "Yarp.ReverseProxy" source is not listened to: its proxy.forwarder span has kind SERVER, which
        // Zipkin would draw as a gateway -> gateway call; the forward is the HttpClient CLIENT span under the request.
        if (settings.ZipkinEndpoint is not null || settings.OtlpEndpoint is not null)
        {
            tracing.AddProcessor(services => new ActivityOwnership(
                [services.GetService<ActivitySource>(), services.GetRequiredService<MessagingTracing>().Source],
                Exporters(settings)));
        }
        if (settings.ZipkinEndpoint is { } zipkin)
        {
            tracing.ConfigureServices(services => services.AddSingleton(provider => new ZipkinFailureWarning(
                provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>(), zipkin)));
        }
    }

    private static IEnumerable<BaseProcessor<Activity>> Exporters(ObservabilitySettings settings)
    {
        if (settings.ZipkinEndpoint is { } zipkin)
        {
            // The official exporter writes endpoints with a service name only: no local port, the remote address as the
            // remote service name (the instance stays in the server.address/server.port tags). It keeps no drop count
            // and reports failures only to its EventSource (ZipkinFailureWarning logs them).
            var client = new HttpClient { Timeout = TimeSpan.FromMilliseconds(settings.ExportTimeoutMilliseconds) };
            yield return Batch(new ZipkinExporter(new ZipkinExporterOptions { Endpoint = zipkin }, client), settings);
        }
        if (settings.OtlpEndpoint is { } otlp)
        {
            yield return Batch(new OtlpTraceExporter(new OtlpExporterOptions
            {
                Endpoint = otlp,
                Protocol = otlp.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
                TimeoutMilliseconds = settings.ExportTimeoutMilliseconds,
            }), settings);
        }
    }

    private static BatchActivityExportProcessor Batch(BaseExporter<Activity> exporter, ObservabilitySettings settings) =>
        new(exporter, settings.MaxQueueSize, settings.ScheduledDelayMilliseconds, settings.ExportTimeoutMilliseconds, settings.MaxExportBatchSize);

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
