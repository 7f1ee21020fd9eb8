using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace EStore.Platform.Observability;

/// <summary>
/// The MeterProvider's sources (ASP.NET Core and Kestrel, HttpClient, the runtime and <c>EStore.*</c> meters; platform Data adds Npgsql's),
/// minus <see cref="ObservabilitySettings.ExcludedMetrics"/>, read by the Prometheus exporter and <see cref="ActuatorMetrics"/>.
/// </summary>
internal static class MetricsRegistration
{
    public static void Configure(MeterProviderBuilder metrics, ObservabilitySettings settings)
    {
        metrics
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter("Microsoft.AspNetCore.*", "EStore.*")
            // Histograms have no _max series in its output (our old writer had one); MAX stays in /actuator/metrics.
            .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0)
            .AddReader(services => services.GetRequiredService<ActuatorMetrics>().Reader);
        ((IDeferredMeterProviderBuilder)metrics).Configure((services, builder) =>
        {
            var ownFactory = services.GetRequiredService<IMeterFactory>();
            // An instrument nobody listens to costs its callers nothing: a dropped one is never enabled. Meters made by
            // another host's IMeterFactory in the same process (tests run several) are that host's.
            builder.AddView(instrument =>
                settings.IsMetricExcluded(instrument.Name) || (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, ownFactory))
                    ? MetricStreamConfiguration.Drop
                    : null);
        });
    }
}
