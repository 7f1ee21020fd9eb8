using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EStore.Platform.Observability;

/// <summary>How a metric aggregates.</summary>
internal enum MetricKind
{
    /// <summary>A monotonic sum (Counter, ObservableCounter).</summary>
    Counter,

    /// <summary>A value that goes up and down (UpDownCounter, gauges).</summary>
    Gauge,

    /// <summary>A distribution (Histogram).</summary>
    Histogram,
}

/// <summary>One metric's time series, keyed by tag set; fed by the listener's measurement callbacks.</summary>
internal sealed class MetricFamily
{
    // A runaway tag (an id in a tag value) must not grow memory without end.
    internal const int MaxSeries = 2000;

    private static readonly double[] SecondsBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] DefaultBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
    private static readonly TagSet OverflowTags = TagSet.From(new KeyValuePair<string, string>[] { new("otel.metric.overflow", "true") });

    private readonly TimeProvider _time;
    private ConcurrentDictionary<TagSet, Series> _series = new(TagSetComparer.Instance);

    private MetricFamily(Instrument instrument, MetricKind kind, bool summed, double[] boundaries, TimeProvider time)
    {
        Name = instrument.Name;
        Description = instrument.Description;
        Unit = instrument.Unit;
        Kind = kind;
        Summed = summed;
        Observable = instrument.IsObservable;
        Boundaries = boundaries;
        _time = time;
    }

    public string Name { get; }

    public string? Description { get; }

    public string? Unit { get; }

    public MetricKind Kind { get; }

    /// <summary>True when measurements are deltas to add up; false when each is the current value.</summary>
    public bool Summed { get; }

    /// <summary>Observable instruments report on collection; their series are rebuilt every time.</summary>
    public bool Observable { get; }

    public double[] Boundaries { get; }

    public static MetricFamily? Create(Instrument instrument, TimeProvider time)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return new MetricFamily(instrument, MetricKind.Counter, summed: true, [], time);
        }
        if (definition == typeof(UpDownCounter<>))
        {
            return new MetricFamily(instrument, MetricKind.Gauge, summed: true, [], time);
        }
        if (definition == typeof(ObservableCounter<>))
        {
            return new MetricFamily(instrument, MetricKind.Counter, summed: false, [], time);
        }
        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>))
        {
            return new MetricFamily(instrument, MetricKind.Gauge, summed: false, [], time);
        }
        if (definition == typeof(Histogram<>))
        {
            var advised = AdvisedBoundaries(instrument);
            var boundaries = advised is { Length: > 0 } ? advised : instrument.Unit == "s" ? SecondsBoundaries : DefaultBoundaries;
            return new MetricFamily(instrument, MetricKind.Histogram, summed: true, boundaries, time);
        }
        return null;
    }

    /// <summary>True when <paramref name="instrument"/> (another meter's instrument of the same name) can feed this family.</summary>
    public bool Fits(Instrument instrument) => Create(instrument, _time) is { } other && other.Kind == Kind && other.Summed == Summed && other.Unit == Unit;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var table = _series;
        // Every request records several measurements: finding their series must not allocate a tag set.
        if (!table.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>().TryGetValue(tags, out var series))
        {
            var key = TagSet.From(tags);
            series = table.Count >= MaxSeries && !table.ContainsKey(key)
                ? table.GetOrAdd(OverflowTags, _ => NewSeries())
                : table.GetOrAdd(key, _ => NewSeries());
        }
        series.Record(value);
    }

    /// <summary>Forgets the observed series before a collection (a series no longer reported disappears).</summary>
    public void BeginCollection()
    {
        if (Observable)
        {
            _series = new ConcurrentDictionary<TagSet, Series>(TagSetComparer.Instance);
        }
    }

    public MetricSnapshot Snapshot() => new(this, [.. _series.Select(s => s.Value.Snapshot(s.Key))]);

    private Series NewSeries() => Kind == MetricKind.Histogram ? new HistogramSeries(Boundaries, _time) : new ValueSeries(Summed);

    private static double[]? AdvisedBoundaries(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };

    private abstract class Series
    {
        public abstract void Record(double value);

        public abstract SeriesSnapshot Snapshot(TagSet tags);
    }

    private sealed class ValueSeries(bool summed) : Series
    {
        private double _value;

        public override void Record(double value)
        {
            if (!summed)
            {
                Volatile.Write(ref _value, value);
                return;
            }
            var current = Volatile.Read(ref _value);
            while (true)
            {
                var previous = Interlocked.CompareExchange(ref _value, current + value, current);
                if (previous.Equals(current))
                {
                    return;
                }
                current = previous;
            }
        }

        public override SeriesSnapshot Snapshot(TagSet tags) => new(tags.Pairs, Volatile.Read(ref _value), 0, 0, double.NaN, []);
    }

    private sealed class HistogramSeries(double[] boundaries, TimeProvider time) : Series
    {
        // Micrometer's MAX is the largest value of the recent past, not of all time: two rotating windows.
        private static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(1);

        private readonly Lock _gate = new();
        private readonly long[] _buckets = new long[boundaries.Length + 1];
        private long _count;
        private double _sum;
        private double _max = double.NaN;
        private double _previousMax = double.NaN;
        private long _windowStart = time.GetTimestamp();

        public override void Record(double value)
        {
            var index = Array.BinarySearch(boundaries, value);
            // Buckets are upper-inclusive (le): a value equal to a boundary belongs to that bucket.
            index = index >= 0 ? index : ~index;
            lock (_gate)
            {
                Rotate();
                _buckets[index]++;
                _count++;
                _sum += value;
                _max = double.IsNaN(_max) ? value : Math.Max(_max, value);
            }
        }

        public override SeriesSnapshot Snapshot(TagSet tags)
        {
            lock (_gate)
            {
                Rotate();
                var max = double.IsNaN(_max) ? _previousMax : double.IsNaN(_previousMax) ? _max : Math.Max(_max, _previousMax);
                return new SeriesSnapshot(tags.Pairs, 0, _count, _sum, double.IsNaN(max) ? 0 : max, [.. _buckets]);
            }
        }

        private void Rotate()
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(_windowStart, now);
            if (elapsed < MaxWindow)
            {
                return;
            }
            _previousMax = elapsed < MaxWindow * 2 ? _max : double.NaN;
            _max = double.NaN;
            _windowStart = now;
        }
    }
}

/// <summary>A metric as collected at one moment.</summary>
internal sealed record MetricSnapshot(MetricFamily Family, IReadOnlyList<SeriesSnapshot> Series);

/// <summary>One time series: for sums and gauges <see cref="Value"/>, for histograms the rest.</summary>
internal sealed record SeriesSnapshot(KeyValuePair<string, string>[] Tags, double Value, long Count, double Sum, double Max, long[] Buckets);
