using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace EStore.Platform.Observability;

/// <summary>
/// Carries the trace context in message headers whose values are bytes (Kafka's) through the OpenTelemetry
/// SDK's default propagator (W3C <c>traceparent</c>/<c>tracestate</c>, and baggage), without depending on any client
/// library: pass a dictionary, or two small delegates over the client's header collection.
/// </summary>
public static class TraceContextHeaders
{
    /// <summary>The W3C trace-context header, lower case (Kafka header names are case-sensitive).</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The W3C vendor trace-state header.</summary>
    public const string TraceState = "tracestate";

    // The SDK installs its default propagator (W3C and baggage) in its static constructor; until something touches
    // the SDK, the API's is a no-op. AddObservability replaces it with the one that also reads inbound B3.
    static TraceContextHeaders() => RuntimeHelpers.RunClassConstructor(typeof(Sdk).TypeHandle);

    /// <summary>Writes the context of <paramref name="activity"/> (or of the current activity when null) into the headers.</summary>
    public static void Inject(Activity? activity, IDictionary<string, byte[]> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Inject(activity, (name, value) => headers[name] = value);
    }

    /// <summary>
    /// Writes the context of <paramref name="activity"/> (or of the current activity when null).
    /// <paramref name="setHeader"/> must replace any header of the same name, for example
    /// <c>(k, v) =&gt; { headers.Remove(k); headers.Add(k, v); }</c> on Confluent's <c>Headers</c>.
    /// </summary>
    public static void Inject(Activity? activity, Action<string, byte[]> setHeader)
    {
        ArgumentNullException.ThrowIfNull(setHeader);
        activity ??= Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }
        Propagators.DefaultTextMapPropagator.Inject(new PropagationContext(activity.Context, Baggage.Current), setHeader,
            static (set, name, value) => set(name, Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>Reads the trace context from the headers.</summary>
    public static bool TryExtract(IReadOnlyDictionary<string, byte[]> headers, out ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return TryExtract(name => headers.TryGetValue(name, out var value) ? value : null, out context);
    }

    /// <summary>
    /// Reads the trace context through <paramref name="getLastHeader"/>, which returns a header's last
    /// value or null, for example <c>k =&gt; headers.TryGetLastBytes(k, out var v) ? v : null</c>.
    /// </summary>
    public static bool TryExtract(Func<string, byte[]?> getLastHeader, out ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(getLastHeader);
        context = Propagators.DefaultTextMapPropagator.Extract(default, getLastHeader,
            static (get, name) => get(name) is { Length: > 0 } value ? [Encoding.UTF8.GetString(value)] : null).ActivityContext;
        return context != default;
    }

    /// <summary>Parses a stored <c>traceparent</c> (an outbox row's) as a remote parent context.</summary>
    public static bool TryParse(string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context);
    }
}
