using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace EStore.Platform.Observability;

/// <summary>
/// What <c>/actuator/metrics</c> reads: a pull reader on the application's MeterProvider, collected on request, whose
/// exporter copies each metric into a <see cref="MetricSnapshot"/> (cumulative, like the Prometheus scrape).
/// </summary>
internal sealed class ActuatorMetrics : BaseExporter<Metric>
{
    private readonly Lock _gate = new();
    private readonly List<MetricSnapshot> _collected = [];

    public ActuatorMetrics() =>
        Reader = new BaseExportingMetricReader(this) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };

    /// <summary>The reader to add to the MeterProvider.</summary>
    public MetricReader Reader { get; }

    /// <summary>Collects every metric now, sorted by name; one snapshot per name (two meters may publish one).</summary>
    public IReadOnlyList<MetricSnapshot> Collect()
    {
        lock (_gate)
        {
            _collected.Clear();
            Reader.Collect();
            return [.. _collected
                .GroupBy(m => m.Name, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.First() with { Series = Merge(g.SelectMany(m => m.Series)) })];
        }
    }

    /// <summary>Collects one metric, or null when there is none of that name.</summary>
    public MetricSnapshot? Collect(string name) => Collect().FirstOrDefault(m => m.Name == name);

    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            var kind = metric.MetricType switch
            {
                MetricType.LongSum or MetricType.DoubleSum => MetricKind.Counter,
                MetricType.Histogram => MetricKind.Histogram,
                _ => MetricKind.Gauge,
            };
            var series = new List<SeriesSnapshot>();
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new List<KeyValuePair<string, string>>();
                foreach (var tag in point.Tags)
                {
                    if (Text(tag.Value) is { } value)
                    {
                        tags.Add(new(tag.Key, value));
                    }
                }
                tags.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                series.Add(metric.MetricType switch
                {
                    MetricType.Histogram => new SeriesSnapshot(tags, 0, point.GetHistogramCount(), point.GetHistogramSum(),
                        point.TryGetHistogramMinMaxValues(out _, out var max) ? max : double.NaN),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => new SeriesSnapshot(tags, point.GetSumLong()),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => new SeriesSnapshot(tags, point.GetSumDouble()),
                    MetricType.LongGauge => new SeriesSnapshot(tags, point.GetGaugeLastValueLong()),
                    _ => new SeriesSnapshot(tags, point.GetGaugeLastValueDouble()),
                });
            }
            _collected.Add(new MetricSnapshot(metric.Name, metric.Description, metric.Unit, kind, series));
        }
        return ExportResult.Success;
    }

    // Series a user cannot tell apart (status 200 as a number and as text, a tag set to null) are one.
    private static List<SeriesSnapshot> Merge(IEnumerable<SeriesSnapshot> series) =>
        [.. series
            .GroupBy(s => string.Join('\n', s.Tags.Select(t => $"{t.Key}={t.Value}")), StringComparer.Ordinal)
            .Select(g => g.Skip(1).Aggregate(g.First(), (a, b) => a with
            {
                Value = a.Value + b.Value,
                Count = a.Count + b.Count,
                Sum = a.Sum + b.Sum,
                Max = Math.Max(a.Max, b.Max),
            }))];

    // Tag values as a user types them in ?tag=KEY:VALUE: invariant numbers, lower-case booleans.
    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>How <c>/actuator/metrics</c> reports a metric: Spring's statistics per kind.</summary>
internal enum MetricKind
{
    /// <summary>A monotonic sum: <c>COUNT</c>.</summary>
    Counter,

    /// <summary>A gauge or up-down sum: <c>VALUE</c>.</summary>
    Gauge,

    /// <summary>A histogram: <c>COUNT</c>, <c>TOTAL_TIME</c> (or <c>TOTAL</c>) and <c>MAX</c>.</summary>
    Histogram,
}

/// <summary>One metric at collection time.</summary>
internal sealed record MetricSnapshot(string Name, string? Description, string? Unit, MetricKind Kind, IReadOnlyList<SeriesSnapshot> Series);

/// <summary>One tag combination's values: <see cref="Value"/> for sums and gauges, the rest for histograms.</summary>
internal sealed record SeriesSnapshot(IReadOnlyList<KeyValuePair<string, string>> Tags, double Value, long Count = 0, double Sum = 0, double Max = 0);
