using System.Diagnostics;

namespace EStore.Platform.Observability;

/// <summary>
/// W3C trace context between EStore services; also accepts B3 (the single <c>b3</c> header, then
/// the <c>X-B3-*</c> headers) from outside callers that speak Zipkin's older format. Injection is
/// W3C only. Installed as <see cref="DistributedContextPropagator.Current"/> so ASP.NET Core,
/// HttpClient and YARP all use it.
/// </summary>
public sealed class TraceContextPropagator : DistributedContextPropagator
{
    /// <summary>The single B3 header.</summary>
    public const string B3Single = "b3";

    private static readonly string[] B3Fields = [B3Single, "X-B3-TraceId", "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags"];

    private readonly DistributedContextPropagator _w3c;
    private readonly IReadOnlyCollection<string> _fields;

    /// <summary>Creates the propagator on top of .NET's W3C propagator.</summary>
    public TraceContextPropagator()
    {
        _w3c = CreateW3CPropagator();
        // The fields are what YARP strips from inbound requests before forwarding, so B3 is listed too.
        _fields = [.. _w3c.Fields.Concat(B3Fields).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The one instance the platform installs.</summary>
    public static TraceContextPropagator Instance { get; } = new();

    /// <inheritdoc />
    public override IReadOnlyCollection<string> Fields => _fields;

    /// <inheritdoc />
    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        _w3c.Inject(activity, carrier, setter);

    /// <inheritdoc />
    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        _w3c.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
        if (getter is null || (traceId is not null && ActivityContext.TryParse(traceId, traceState, out _)))
        {
            return;
        }
        if (ExtractB3(carrier, getter) is { } b3)
        {
            traceId = b3;
            traceState = null;
        }
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        _w3c.ExtractBaggage(carrier, getter);

    /// <summary>
    /// Reads B3 headers as a W3C <c>traceparent</c> value (what ASP.NET Core parses), or null.
    /// A B3 caller that defers the sampling decision gets sampled: it sent ids because it wants a trace.
    /// </summary>
    internal static string? ExtractB3(object? carrier, PropagatorGetterCallback getter)
    {
        if (Get(carrier, getter, B3Single) is { Length: > 0 } single)
        {
            // {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]; a lone "0"/"1"/"d" carries no ids.
            var parts = single.Split('-');
            if (parts.Length >= 2)
            {
                var sampled = parts.Length < 3 || parts[2] is "1" or "d" or "";
                if (parts.Length >= 3 && parts[2] is not ("0" or "1" or "d"))
                {
                    return null;
                }
                return TraceParent(parts[0], parts[1], sampled);
            }
            return null;
        }
        var traceId = Get(carrier, getter, "X-B3-TraceId");
        var spanId = Get(carrier, getter, "X-B3-SpanId");
        if (traceId is null || spanId is null)
        {
            return null;
        }
        var flags = Get(carrier, getter, "X-B3-Flags");
        var sampledHeader = Get(carrier, getter, "X-B3-Sampled");
        var isSampled = flags == "1" || sampledHeader is null or "1" || string.Equals(sampledHeader, "true", StringComparison.OrdinalIgnoreCase);
        return TraceParent(traceId, spanId, isSampled);
    }

    private static string? TraceParent(string traceId, string spanId, bool sampled)
    {
        traceId = traceId.Trim().ToLowerInvariant();
        spanId = spanId.Trim().ToLowerInvariant();
        if (traceId.Length is not (16 or 32) || spanId.Length != 16 || !IsHex(traceId) || !IsHex(spanId))
        {
            return null;
        }
        // A 64-bit B3 trace id becomes a 128-bit W3C one by left-padding with zeros.
        var value = $"00-{traceId.PadLeft(32, '0')}-{spanId}-{(sampled ? "01" : "00")}";
        return ActivityContext.TryParse(value, null, out var context) && context.TraceId != default && context.SpanId != default ? value : null;
    }

    private static bool IsHex(string text)
    {
        var nonZero = false;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    private static string? Get(object? carrier, PropagatorGetterCallback getter, string name)
    {
        getter(carrier, name, out var value, out var values);
        // B3: when a header repeats, the first value wins.
        return value ?? values?.FirstOrDefault();
    }
}
