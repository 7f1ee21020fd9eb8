using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EStore.Platform.Observability;

namespace EStore.Observability.Tests;

/// <summary>The OpenTelemetry-to-Zipkin mapping of one span, read back from the JSON the exporter sends.</summary>
public sealed class ZipkinMappingTests : IDisposable
{
    private readonly ActivitySource _source = new("EStore.Tests.Mapping", "1.2.3");
    private readonly ActivityListener _listener;

    public ZipkinMappingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    [Fact]
    public void Tags_become_strings_in_invariant_form_and_the_scope_is_sent_under_both_names()
    {
        using var activity = Start(ActivityKind.Internal);
        activity.SetTag("text", "caf\u00e9 \"quoted\" <b>");
        activity.SetTag("int", 42);
        activity.SetTag("long", -7L);
        activity.SetTag("double", 0.1);
        activity.SetTag("bool", true);
        activity.SetTag("strings", new[] { "a", "b" });
        activity.SetTag("ints", new[] { 1, 2 });
        activity.SetTag("nothing", null);
        activity.SetTag("error", false);
        activity.Stop();

        var span = Serialize(activity);
        var tags = span.GetProperty("tags");
        Assert.Equal("caf\u00e9 \"quoted\" <b>", tags.GetProperty("text").GetString());
        Assert.Equal("42", tags.GetProperty("int").GetString());
        Assert.Equal("-7", tags.GetProperty("long").GetString());
        Assert.Equal("0.1", tags.GetProperty("double").GetString());
        Assert.Equal("true", tags.GetProperty("bool").GetString());
        Assert.Equal("[\"a\",\"b\"]", tags.GetProperty("strings").GetString());
        Assert.Equal("[1,2]", tags.GetProperty("ints").GetString());
        Assert.False(tags.TryGetProperty("nothing", out _));
        // A user's "error": false would paint the span red; unset status means no status tags at all.
        Assert.False(tags.TryGetProperty("error", out _));
        Assert.False(tags.TryGetProperty("otel.status_code", out _));
        Assert.Equal("EStore.Tests.Mapping", tags.GetProperty("otel.scope.name").GetString());
        Assert.Equal("EStore.Tests.Mapping", tags.GetProperty("otel.library.name").GetString());
        Assert.Equal("1.2.3", tags.GetProperty("otel.scope.version").GetString());
        Assert.Equal("1.2.3", tags.GetProperty("otel.library.version").GetString());
        foreach (var tag in tags.EnumerateObject())
        {
            Assert.Equal(JsonValueKind.String, tag.Value.ValueKind);
        }
        // Internal spans carry no kind and no remote endpoint.
        Assert.False(span.TryGetProperty("kind", out _));
        Assert.False(span.TryGetProperty("remoteEndpoint", out _));
    }

    [Fact]
    public void Ids_times_and_endpoints_follow_zipkin_v2()
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        using var activity = _source.StartActivity("GET", ActivityKind.Client, parent)!;
        activity.SetTag("server.address", "::ffff:10.1.2.3");
        activity.SetTag("server.port", 8080);
        activity.SetTag("peer.service", "product-service");
        activity.Stop();

        var span = Serialize(activity, new ZipkinEndpoint("shop-service", IPAddress.Parse("192.168.0.7"), 5004));
        Assert.Equal(parent.TraceId.ToHexString(), span.GetProperty("traceId").GetString());
        Assert.Equal(parent.SpanId.ToHexString(), span.GetProperty("parentId").GetString());
        Assert.Matches("^[0-9a-f]{16}$", span.GetProperty("id").GetString());
        Assert.Equal("CLIENT", span.GetProperty("kind").GetString());
        var micros = (activity.StartTimeUtc - DateTime.UnixEpoch).Ticks / 10;
        Assert.Equal(micros, span.GetProperty("timestamp").GetInt64());
        Assert.True(span.GetProperty("duration").GetInt64() >= 1);
        var local = span.GetProperty("localEndpoint");
        Assert.Equal("shop-service", local.GetProperty("serviceName").GetString());
        Assert.Equal("192.168.0.7", local.GetProperty("ipv4").GetString());
        Assert.Equal(5004, local.GetProperty("port").GetInt32());
        // An IPv4 address seen through an IPv6 socket is reported as IPv4.
        var remote = span.GetProperty("remoteEndpoint");
        Assert.Equal("product-service", remote.GetProperty("serviceName").GetString());
        Assert.Equal("10.1.2.3", remote.GetProperty("ipv4").GetString());
        Assert.Equal(8080, remote.GetProperty("port").GetInt32());
        Assert.False(remote.TryGetProperty("ipv6", out _));
    }

    [Fact]
    public void An_error_status_becomes_the_error_tag_and_events_become_annotations()
    {
        using var activity = Start(ActivityKind.Server);
        activity.SetTag("network.peer.address", "2001:db8::1");
        activity.SetTag("network.peer.port", 40000);
        activity.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["attempt"] = 2, ["exception.stacktrace"] = "long" }));
        activity.AddEvent(new ActivityEvent("cache-miss"));
        activity.SetStatus(ActivityStatusCode.Error, "stock service timed out");
        activity.Stop();

        var span = Serialize(activity);
        var tags = span.GetProperty("tags");
        Assert.Equal("ERROR", tags.GetProperty("otel.status_code").GetString());
        Assert.Equal("stock service timed out", tags.GetProperty("error").GetString());
        var remote = span.GetProperty("remoteEndpoint");
        Assert.Equal("2001:db8::1", remote.GetProperty("ipv6").GetString());
        Assert.Equal(40000, remote.GetProperty("port").GetInt32());
        var annotations = span.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("value").GetString()).ToList();
        // Stack traces stay in the logs.
        Assert.Equal(["\"retry\": {\"attempt\":\"2\"}", "cache-miss"], annotations);
    }

    [Fact]
    public void The_same_span_written_twice_is_the_same_json_and_the_buffer_is_exact()
    {
        using var activity = Start(ActivityKind.Producer);
        activity.SetTag("messaging.system", "kafka");
        activity.Stop();
        var local = new ZipkinEndpoint("order-service", null, null);

        var first = ZipkinSpanWriter.Serialize(activity, local);
        var second = ZipkinSpanWriter.Serialize(activity, local);
        try
        {
            Assert.Equal(first.Json.ToArray(), second.Json.ToArray());
            using var document = JsonDocument.Parse(first.Buffer.AsMemory(0, first.Length));
            Assert.Equal("PRODUCER", document.RootElement.GetProperty("kind").GetString());
            Assert.Equal("kafka", document.RootElement.GetProperty("remoteEndpoint").GetProperty("serviceName").GetString());
            Assert.False(document.RootElement.GetProperty("localEndpoint").TryGetProperty("ipv4", out _));
        }
        finally
        {
            first.Return();
            second.Return();
        }
    }

    private Activity Start(ActivityKind kind) => _source.StartActivity("operation", kind) ?? throw new InvalidOperationException("not sampled");

    private static JsonElement Serialize(Activity activity, ZipkinEndpoint? local = null)
    {
        var span = ZipkinSpanWriter.Serialize(activity, local ?? new ZipkinEndpoint("test-service", IPAddress.Loopback, 80));
        try
        {
            using var document = JsonDocument.Parse(span.Buffer.AsMemory(0, span.Length));
            return document.RootElement.Clone();
        }
        finally
        {
            span.Return();
        }
    }
}
