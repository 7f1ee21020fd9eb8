using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EStore.Platform.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Messaging.Tests.Infrastructure;

/// <summary>Sums the <c>EStore.Messaging</c> counters of one host (its own IMeterFactory scope).</summary>
public sealed class MetricsCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MetricsCapture(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MessagingMeter.Name && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                _totals.AddOrUpdate($"{key}|{tag.Key}={tag.Value}", value, (_, v) => v + value);
            }
            _totals.AddOrUpdate(key, value, (_, v) => v + value);
        });
        _listener.Start();
    }

    /// <summary>The sum of an instrument's measurements, optionally only those with one tag value.</summary>
    public long Total(string instrument, string? tag = null) => _totals.GetValueOrDefault(tag is null ? instrument : $"{instrument}|{tag}");

    /// <summary>Reads the observable gauges now.</summary>
    public long Observe(string instrument)
    {
        _totals.TryRemove(instrument, out _);
        _listener.RecordObservableInstruments();
        return _totals.GetValueOrDefault(instrument);
    }

    public void Dispose() => _listener.Dispose();
}
