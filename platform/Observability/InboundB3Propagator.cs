using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace EStore.Platform.Observability;

/// <summary>
/// Reads B3 (the single <c>b3</c> header, then the <c>X-B3-*</c> headers) from outside callers that speak Zipkin's older
/// format; writes nothing (EStore services talk W3C). Composed after the SDK's <see cref="TraceContextPropagator"/>, so
/// a <c>traceparent</c> wins. OpenTelemetry.Extensions.Propagators (which has a B3 propagator) is not served here.
/// </summary>
internal sealed class InboundB3Propagator : TextMapPropagator
{
    /// <summary>The single B3 header.</summary>
    public const string B3Single = "b3";

    private static readonly ISet<string> B3Fields = new HashSet<string>([B3Single, "X-B3-TraceId", "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags"], StringComparer.OrdinalIgnoreCase);

    /// <summary>W3C trace context and baggage, then inbound B3: what the platform installs as the default propagator.</summary>
    public static TextMapPropagator Composite { get; } = new CompositeTextMapPropagator([new TraceContextPropagator(), new InboundB3Propagator(), new BaggagePropagator()]);

    /// <inheritdoc />
    public override ISet<string> Fields => B3Fields;

    /// <inheritdoc />
    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
    }

    /// <inheritdoc />
    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (context.ActivityContext != default)
        {
            return context;
        }
        return ParseB3(carrier, getter) is { } b3 ? new PropagationContext(b3, context.Baggage) : context;
    }

    /// <summary>A B3 caller that defers the sampling decision gets sampled: it sent ids because it wants a trace.</summary>
    private static ActivityContext? ParseB3<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        // B3: when a header repeats, the first value wins.
        string? Get(string name) => getter(carrier, name)?.FirstOrDefault();
        if (Get(B3Single) is { Length: > 0 } single)
        {
            // {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]; a lone "0"/"1"/"d" carries no ids.
            var parts = single.Split('-');
            if (parts.Length < 2 || (parts.Length >= 3 && parts[2] is not ("0" or "1" or "d")))
            {
                return null;
            }
            return Context(parts[0], parts[1], parts.Length < 3 || parts[2] is "1" or "d");
        }
        if (Get("X-B3-TraceId") is not { } traceId || Get("X-B3-SpanId") is not { } spanId)
        {
            return null;
        }
        var sampled = Get("X-B3-Sampled");
        return Context(traceId, spanId, Get("X-B3-Flags") == "1" || sampled is null or "1" || string.Equals(sampled, "true", StringComparison.OrdinalIgnoreCase));
    }

    private static ActivityContext? Context(string traceId, string spanId, bool sampled)
    {
        traceId = traceId.Trim().ToLowerInvariant();
        spanId = spanId.Trim().ToLowerInvariant();
        if (traceId.Length is not (16 or 32) || spanId.Length != 16)
        {
            return null;
        }
        // A 64-bit B3 trace id becomes a 128-bit W3C one by left-padding with zeros.
        var traceParent = $"00-{traceId.PadLeft(32, '0')}-{spanId}-{(sampled ? "01" : "00")}";
        return ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) && context.TraceId != default && context.SpanId != default
            ? context
            : null;
    }
}
