using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EStore.Platform.Observability;

/// <summary>Tracing (Zipkin), metrics (<c>/actuator/metrics</c>, <c>/actuator/prometheus</c>) and trace ids in logs.</summary>
public static class ObservabilityExtensions
{
    /// <summary>
    /// Adds tracing on the OpenTelemetry SDK (spans for requests, HttpClient calls and <c>EStore.*</c>
    /// sources, exported to <c>Zipkin:Endpoint</c> and/or <c>Otlp:Endpoint</c>), W3C propagation that also accepts
    /// inbound B3, <see cref="MessagingTracing"/>, the metrics, and trace and span ids on every log line
    /// (JSON console logs when <c>Logging:Console:FormatterName</c> is <c>json</c>).
    /// </summary>
    /// <exception cref="StartupConfigurationException">A <c>Tracing:*</c>, <c>Zipkin:*</c> or <c>Otlp:*</c> value is malformed.</exception>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        // Needed now: whether tracing is registered at all, and the exporters.
        var settings = builder.AddValidatedOptionsNow<ObservabilitySettings>(ObservabilitySettings.Section);
        var identity = ServiceIdentity.Of(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MessagingTracing>();
        services.TryAddSingleton<ActuatorMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ObservabilityStartupFilter>());

        // Process-wide: the ASP.NET Core and HttpClient instrumentation and MessagingTracing read it.
        Sdk.SetDefaultTextMapPropagator(InboundB3Propagator.Composite);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(identity.AppName, serviceVersion: identity.Version));
        if (settings.Enabled)
        {
            telemetry.WithTracing(tracing => TracingRegistration.Configure(tracing, settings));
        }
        telemetry.WithMetrics(metrics => MetricsRegistration.Configure(metrics, settings));

        AddTraceIdsToLogs(builder);
        return builder;
    }

    /// <summary>
    /// Maps <c>/actuator/metrics</c>, <c>/actuator/metrics/{name}</c> (with <c>tag=KEY:VALUE</c>
    /// drill-down) and <c>/actuator/prometheus</c>. Tracing and metric collection already started with the
    /// server (<see cref="ObservabilityStartupFilter"/>), not at the first request.
    /// </summary>
    public static IEndpointRouteBuilder MapObservabilityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var actuator = endpoints.MapGroup("/actuator").ExcludeFromDescription();
        actuator.MapGet("/metrics", (ActuatorMetrics metrics) => MetricsEndpoints.Names(metrics));
        actuator.MapGet("/metrics/{name}", (string name, HttpContext http, ActuatorMetrics metrics) => MetricsEndpoints.Metric(name, http, metrics));
        endpoints.MapPrometheusScrapingEndpoint("/actuator/prometheus").ExcludeFromDescription();
        return endpoints;
    }

    private static void AddTraceIdsToLogs(IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // The ids travel as a log scope, so the console must print scopes (unless configured otherwise).
        var scopesConfigured = configuration["Logging:Console:FormatterOptions:IncludeScopes"] is not null;
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options => options.IncludeScopes |= !scopesConfigured);
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes |= !scopesConfigured;
            options.UseUtcTimestamp = true;
            options.TimestampFormat ??= "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        // AddSimpleConsole pins the formatter to "simple"; a configured name (json, systemd) wins here.
        builder.Services.Configure<ConsoleLoggerOptions>(options =>
        {
            if (configuration["Logging:Console:FormatterName"] is { Length: > 0 } name)
            {
                options.FormatterName = name;
            }
        });
    }
}

/// <summary>Starts the tracer and the metric listener before the server takes its first request.</summary>
internal sealed class ObservabilityStartupFilter(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        services.GetService<TracerProvider>();
        services.GetService<MeterProvider>();
        return next;
    }
}
