using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EStore.Platform.Observability;

/// <summary>
/// Aggregates System.Diagnostics.Metrics measurements in memory for <c>/actuator/metrics</c> and
/// <c>/actuator/prometheus</c>: ASP.NET Core, HttpClient, the runtime (process and GC), Npgsql and
/// every <c>EStore.*</c> meter, minus <see cref="ObservabilitySettings.ExcludedMetrics"/>. Meters made by another
/// host's <see cref="IMeterFactory"/> in the same process are left to that host; process-wide meters are seen by
/// every host.
/// </summary>
internal sealed class MetricsRegistry : IDisposable
{
    private static readonly string[] MeterNames = ["System.Net.Http", "System.Runtime", "Npgsql"];
    private static readonly string[] MeterPrefixes = ["Microsoft.AspNetCore.", "EStore."];

    private readonly IMeterFactory _meterFactory;
    private readonly TimeProvider _time;
    private readonly ObservabilitySettings _settings;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _collectGate = new();

    public MetricsRegistry(IMeterFactory meterFactory, TimeProvider time, ObservabilitySettings settings)
    {
        _meterFactory = meterFactory;
        _time = time;
        _settings = settings;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>The dotted names of the metrics seen so far, sorted.</summary>
    public IReadOnlyList<string> Names() => [.. _families.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Collects the observable instruments and returns every metric, sorted by name.</summary>
    public IReadOnlyList<MetricSnapshot> Collect() => CollectWhere(null);

    /// <summary>Collects one metric, or null when there is none of that name.</summary>
    public MetricSnapshot? Collect(string name) => _families.ContainsKey(name) ? CollectWhere(name).FirstOrDefault() : null;

    public void Dispose() => _listener.Dispose();

    private List<MetricSnapshot> CollectWhere(string? only)
    {
        lock (_collectGate)
        {
            foreach (var family in _families.Values)
            {
                family.BeginCollection();
            }
            _listener.RecordObservableInstruments();
            return [.. _families.Values
                .Where(f => only is null || f.Name == only)
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => f.Snapshot())];
        }
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory))
        {
            return;
        }
        if (Array.IndexOf(MeterNames, meter.Name) < 0 && !MeterPrefixes.Any(p => meter.Name.StartsWith(p, StringComparison.Ordinal)))
        {
            return;
        }
        // An instrument nobody listens to costs its callers nothing: excluded ones are never enabled.
        if (_settings.IsMetricExcluded(instrument.Name))
        {
            return;
        }
        if (MetricFamily.Create(instrument, _time) is not { } created)
        {
            return;
        }
        // Two meters may publish one name (HttpClient's process-wide meter and the factory's): one metric.
        var family = _families.GetOrAdd(instrument.Name, created);
        if (family.Fits(instrument))
        {
            listener.EnableMeasurementEvents(instrument, family);
        }
    }
}
