using System.Diagnostics;
using EStore.Platform.Observability;
using OpenTelemetry.Context.Propagation;

namespace EStore.Observability.Tests;

public sealed class PropagationTests
{
    private const string Trace = "463ac35c9f6413ad48485a3953bb6124";
    private const string Span = "0020000000000001";

    [Theory]
    [InlineData("b3", Trace + "-" + Span + "-1", "00-" + Trace + "-" + Span + "-01")]
    [InlineData("b3", Trace + "-" + Span + "-0", "00-" + Trace + "-" + Span + "-00")]
    [InlineData("b3", Trace + "-" + Span + "-d", "00-" + Trace + "-" + Span + "-01")]
    [InlineData("b3", Trace + "-" + Span + "-1-0020000000000000", "00-" + Trace + "-" + Span + "-01")]
    [InlineData("b3", "48485a3953bb6124-" + Span, "00-000000000000000048485a3953bb6124-" + Span + "-01")]
    [InlineData("b3", "0", null)]
    [InlineData("b3", Trace + "-" + Span + "-x", null)]
    [InlineData("b3", "0000000000000000-" + Span + "-1", null)]
    [InlineData("b3", "zz3ac35c9f6413ad-" + Span + "-1", null)]
    public void The_single_b3_header_becomes_a_traceparent(string header, string value, string? expected)
    {
        Extract(new() { [header] = value }, out var traceParent, out _);
        Assert.Equal(expected, traceParent);
    }

    [Fact]
    public void Multi_b3_headers_are_read_and_sampling_follows_them()
    {
        Extract(new() { ["X-B3-TraceId"] = Trace, ["X-B3-SpanId"] = Span, ["X-B3-Sampled"] = "0" }, out var denied, out _);
        Assert.Equal($"00-{Trace}-{Span}-00", denied);
        Extract(new() { ["X-B3-TraceId"] = Trace.ToUpperInvariant(), ["X-B3-SpanId"] = Span, ["X-B3-Flags"] = "1" }, out var debug, out _);
        Assert.Equal($"00-{Trace}-{Span}-01", debug);
        Extract(new() { ["X-B3-TraceId"] = Trace }, out var incomplete, out _);
        Assert.Null(incomplete);
    }

    [Fact]
    public void Traceparent_wins_over_b3_and_injection_is_w3c_only()
    {
        var w3c = $"00-{Trace}-{Span}-01";
        Extract(new() { ["traceparent"] = w3c, ["tracestate"] = "k=v", ["b3"] = $"{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-1" }, out var parent, out var state);
        Assert.Equal(w3c, parent);
        Assert.Equal("k=v", state);

        using var activity = new Activity("test").SetParentId(ActivityTraceId.CreateFromString(Trace), ActivitySpanId.CreateFromString(Span), ActivityTraceFlags.Recorded).Start();
        var headers = new Dictionary<string, string>();
        InboundB3Propagator.Composite.Inject(new PropagationContext(activity.Context, default), headers, (carrier, name, value) => carrier[name] = value);
        Assert.StartsWith($"00-{Trace}-", headers["traceparent"], StringComparison.Ordinal);
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("X-B3", StringComparison.OrdinalIgnoreCase) || k == "b3");
        Assert.Contains("b3", InboundB3Propagator.Composite.Fields!);
    }

    [Fact]
    public void Kafka_headers_round_trip_the_trace_context()
    {
        using var activity = new Activity("produce").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";
        var headers = new Dictionary<string, byte[]>();
        TraceContextHeaders.Inject(activity, headers);
        Assert.True(TraceContextHeaders.TryExtract(headers, out var context));
        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Equal("vendor=1", context.TraceState);
        Assert.True(context.IsRemote);
        Assert.False(TraceContextHeaders.TryExtract(new Dictionary<string, byte[]>(), out _));
        Assert.False(TraceContextHeaders.TryExtract(new Dictionary<string, byte[]> { ["traceparent"] = "garbage"u8.ToArray() }, out _));
    }

    private static void Extract(Dictionary<string, string> headers, out string? traceParent, out string? traceState)
    {
        var carrier = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        var context = InboundB3Propagator.Composite.Extract(default, carrier, static (c, name) => c.TryGetValue(name, out var value) ? [value] : null).ActivityContext;
        traceParent = context == default ? null : $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";
        traceState = context.TraceState;
    }
}
