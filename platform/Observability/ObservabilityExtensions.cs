using System.Diagnostics;
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

namespace EStore.Platform.Observability;

/// <summary>Tracing (Zipkin), metrics (<c>/actuator/metrics</c>, <c>/actuator/prometheus</c>) and trace ids in logs.</summary>
public static class ObservabilityExtensions
{
    /// <summary>ASP.NET Core's request activity source.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>YARP's activity source (the gateway's forwarding).</summary>
    public const string YarpSource = "Yarp.ReverseProxy";

    // .NET 10 leaves the request span without its start tags (url.path, method) unless this is off;
    // the sampler needs url.path to skip health probes.
    private const string SuppressAspNetCoreTagsSwitch = "Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData";

    /// <summary>
    /// Adds tracing (spans for requests, HttpClient calls, Npgsql commands, YARP forwarding and
    /// <c>EStore.*</c> sources, exported to <c>Zipkin:Endpoint</c>), W3C and B3 propagation,
    /// <see cref="MessagingTracing"/>, the metric registry, and trace and span ids on every log line
    /// (JSON console logs when <c>Logging:Console:FormatterName</c> is <c>json</c>).
    /// </summary>
    /// <exception cref="StartupConfigurationException">A <c>Tracing:*</c> or <c>Zipkin:*</c> value is malformed.</exception>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        var settings = ObservabilitySettings.FromConfiguration(builder.Configuration);
        var services = builder.Services;
        services.TryAddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ServiceIdentity.FromConfiguration(builder.Configuration));
        services.TryAddSingleton<MessagingTracing>();
        services.TryAddSingleton<TracingRuntime>();
        services.TryAddSingleton<MetricsRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ObservabilityStartupFilter>());

        if (!AppContext.TryGetSwitch(SuppressAspNetCoreTagsSwitch, out _))
        {
            AppContext.SetSwitch(SuppressAspNetCoreTagsSwitch, false);
        }
        // HttpClient and YARP read the static; ASP.NET Core took a copy into DI when the builder was made.
        DistributedContextPropagator.Current = TraceContextPropagator.Instance;
        services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(TraceContextPropagator.Instance));

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
        actuator.MapGet("/metrics", (MetricsRegistry registry) => MetricsEndpoints.Names(registry));
        actuator.MapGet("/metrics/{name}", (string name, HttpContext http, MetricsRegistry registry) => MetricsEndpoints.Metric(name, http, registry));
        actuator.MapGet("/prometheus", (MetricsRegistry registry) =>
            Results.Text(PrometheusWriter.Write(registry.Collect()), PrometheusWriter.ContentType));
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
