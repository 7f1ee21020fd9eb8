using System.Diagnostics;
using System.Text;

namespace EStore.Platform.Observability;

/// <summary>
/// Carries the W3C trace context in message headers whose values are bytes (Kafka's), without
/// depending on any client library: pass a dictionary, or two small delegates over the client's
/// header collection.
/// </summary>
public static class TraceContextHeaders
{
    /// <summary>The W3C trace-context header, lower case (Kafka header names are case-sensitive).</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The W3C vendor trace-state header.</summary>
    public const string TraceState = "tracestate";

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
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } id)
        {
            return;
        }
        setHeader(TraceParent, Encoding.UTF8.GetBytes(id));
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            setHeader(TraceState, Encoding.UTF8.GetBytes(state));
        }
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
        context = default;
        if (getLastHeader(TraceParent) is not { Length: > 0 } parent)
        {
            return false;
        }
        var state = getLastHeader(TraceState) is { Length: > 0 } bytes ? Encoding.UTF8.GetString(bytes) : null;
        return TryParse(Encoding.UTF8.GetString(parent), state, out context);
    }

    /// <summary>Parses a stored <c>traceparent</c> (an outbox row's) as a remote parent context.</summary>
    public static bool TryParse(string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context);
    }
}
