using System.Diagnostics;
using System.Diagnostics.Metrics;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EStore.Platform.Observability;

/// <summary>
/// One application's tracing: its TracerProvider (built here, since OpenTelemetry's hosting package
/// is not available), the Zipkin exporter, and the exporter's metrics. Created before the server
/// takes requests and disposed (flushing the queue) when the host's services are.
/// </summary>
internal sealed class TracingRuntime : IDisposable
{
    /// <summary>Meter of the exporter's figures.</summary>
    public const string MeterName = "EStore.Tracing";

    private readonly ServiceIdentity _identity;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly IServer? _server;
    private readonly string? _configuredAddress;
    private readonly ActivityOwnership.Owner? _owner;
    private readonly TracerProvider? _provider;
    private ZipkinEndpoint? _boundEndpoint;

    public TracingRuntime(IServiceProvider services)
    {
        _identity = services.GetRequiredService<ServiceIdentity>();
        // Resolved now: the last export runs while the container is being disposed.
        _lifetime = services.GetService<IHostApplicationLifetime>();
        _server = services.GetService<IServer>();
        _configuredAddress = services.GetService<IConfiguration>()?["Eureka:Instance:IpAddress"];
        var settings = services.GetRequiredService<ObservabilitySettings>();
        Settings = settings;
        if (!settings.Enabled)
        {
            return;
        }
        // ASP.NET Core registers its request ActivitySource per host; it and our messaging source mark this app's spans.
        _owner = ActivityOwnership.Register([services.GetService<ActivitySource>(), services.GetRequiredService<MessagingTracing>().Source]);
        var builder = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(_identity.AppName, serviceVersion: _identity.Version))
            .SetSampler(new TracingSampler(settings))
            .AddSource(ObservabilityExtensions.AspNetCoreSource, "System.Net.Http", "Npgsql", ObservabilityExtensions.YarpSource, "EStore.*");
        if (settings.ZipkinEndpoint is not null)
        {
            Statistics = new ZipkinExportStatistics(settings.MaxQueueSize);
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("EStore.Platform.Observability.Zipkin");
            var exporter = new ZipkinExporter(settings, Statistics, services.GetRequiredService<TimeProvider>(), logger);
            builder.AddProcessor(new ZipkinExportProcessor(exporter, LocalEndpoint, _owner, Statistics, settings));
            CreateMeter(services.GetRequiredService<IMeterFactory>(), Statistics);
        }
        _provider = builder.Build();
    }

    public ObservabilitySettings Settings { get; }

    /// <summary>The exporter's counters, or null when nothing is exported.</summary>
    public ZipkinExportStatistics? Statistics { get; }

    /// <summary>Exports what is queued now (tests; shutdown does it anyway).</summary>
    public bool ForceFlush(int timeoutMilliseconds = 5000) => _provider?.ForceFlush(timeoutMilliseconds) ?? true;

    public void Dispose()
    {
        _provider?.Dispose();
        _owner?.Dispose();
    }

    /// <summary>
    /// This instance as Zipkin's localEndpoint: the app name, plus the address and port once the
    /// server is bound (the same ones Eureka announces).
    /// </summary>
    internal ZipkinEndpoint LocalEndpoint()
    {
        if (_boundEndpoint is { } bound)
        {
            return bound;
        }
        if (_lifetime is null || !_lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return new ZipkinEndpoint(_identity.AppName, null, null);
        }
        var addresses = _server?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        System.Net.IPAddress? ip = null;
        int? port = null;
        if (address is not null && Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            port = uri.Port;
            var parsed = System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? literal : null;
            ip = parsed is null || parsed.Equals(System.Net.IPAddress.Any) || parsed.Equals(System.Net.IPAddress.IPv6Any)
                ? ConfiguredAddress()
                : parsed;
            if (uri.Host == "localhost")
            {
                ip = System.Net.IPAddress.Loopback;
            }
        }
        bound = new ZipkinEndpoint(_identity.AppName, ip, port);
        _boundEndpoint = bound;
        return bound;
    }

    private System.Net.IPAddress? ConfiguredAddress() => System.Net.IPAddress.TryParse(_configuredAddress, out var ip) ? ip : null;

    private static void CreateMeter(IMeterFactory meters, ZipkinExportStatistics statistics)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("estore.tracing.spans.exported", () => statistics.Exported, "{span}", "Spans Zipkin accepted.");
        meter.CreateObservableCounter("estore.tracing.spans.dropped", () => new[]
        {
            new Measurement<long>(statistics.DroppedQueueFull, new KeyValuePair<string, object?>("reason", "queue_full")),
            new Measurement<long>(statistics.DroppedExportFailed, new KeyValuePair<string, object?>("reason", "export_failed")),
        }, "{span}", "Spans dropped because Zipkin was slow or unreachable.");
        meter.CreateObservableUpDownCounter("estore.tracing.queue.size", () => statistics.QueueLength, "{span}", "Spans waiting for export.");
    }
}
