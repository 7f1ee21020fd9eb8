using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EStore.Platform.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace EStore.Observability.Tests;

public sealed class TracingTests : IAsyncLifetime
{
    private ZipkinCollector _zipkin = null!;

    public async Task InitializeAsync() => _zipkin = await ZipkinCollector.StartAsync();

    public async Task DisposeAsync() => await _zipkin.DisposeAsync();

    [Fact]
    public async Task A_call_from_one_service_to_another_is_one_trace_of_server_client_server_spans()
    {
        await using var b = await TestApp.StartAsync("service-b", TestApp.Exporting(_zipkin.Endpoint), map: app =>
            app.MapGet("/b/{id}", (string id) => Results.Text($"b{id}")));
        await using var a = await TestApp.StartAsync("service-a", TestApp.Exporting(_zipkin.Endpoint),
            builder => builder.Services.AddHttpClient("b", c => c.BaseAddress = b.BaseAddress),
            app => app.MapGet("/a", async (IHttpClientFactory clients) =>
            {
                var fromB = await clients.CreateClient("b").GetStringAsync("/b/42");
                return Results.Text($"{Activity.Current!.TraceId.ToHexString()} {fromB}");
            }));

        var body = await a.Client.GetStringAsync("/a");
        var traceId = body.Split(' ')[0];
        Assert.Equal("b42", body.Split(' ')[1]);

        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 3);
        await Task.Delay(200);
        spans = _zipkin.Trace(traceId);
        Assert.Empty(_zipkin.Problems);
        Assert.Equal(3, spans.Count);
        var serverA = Single(spans, "SERVER", "service-a");
        var clientA = Single(spans, "CLIENT", "service-a");
        var serverB = Single(spans, "SERVER", "service-b");

        Assert.False(serverA.TryGetProperty("parentId", out _));
        Assert.Equal(Id(serverA), clientA.GetProperty("parentId").GetString());
        Assert.Equal(Id(clientA), serverB.GetProperty("parentId").GetString());
        Assert.Equal(32, traceId.Length);

        Assert.Equal("get /a", serverA.GetProperty("name").GetString()!.ToLowerInvariant());
        Assert.Equal("GET /b/{id}", serverB.GetProperty("name").GetString());
        Assert.Equal("/b/{id}", serverB.GetProperty("tags").GetProperty("http.route").GetString());
        Assert.Equal("200", serverB.GetProperty("tags").GetProperty("http.response.status_code").GetString());

        // The client span names the instance it called; each local endpoint is the instance itself.
        var remote = clientA.GetProperty("remoteEndpoint");
        Assert.Equal("127.0.0.1", remote.GetProperty("ipv4").GetString());
        Assert.Equal(b.Port, remote.GetProperty("port").GetInt32());
        Assert.Equal(b.Port, serverB.GetProperty("localEndpoint").GetProperty("port").GetInt32());
        Assert.Equal("127.0.0.1", serverB.GetProperty("localEndpoint").GetProperty("ipv4").GetString());
        Assert.Equal(a.Port, serverA.GetProperty("localEndpoint").GetProperty("port").GetInt32());

        // Microsecond timestamps: the child starts within its parent.
        Assert.True(Start(clientA) >= Start(serverA) && End(clientA) <= End(serverA) + 1000);
    }

    [Theory]
    [InlineData("b3", "{0}-{1}-1")]
    [InlineData("b3", "{0}-{1}")]
    [InlineData("X-B3-TraceId", null)]
    public async Task B3_headers_from_an_outside_client_are_honoured(string header, string? format)
    {
        await using var app = await TestApp.StartAsync("b3-service", TestApp.Exporting(_zipkin.Endpoint), map: a =>
            a.MapGet("/hello", () => Results.Text(Activity.Current!.TraceId.ToHexString())));
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        if (format is not null)
        {
            request.Headers.Add(header, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, traceId, spanId));
        }
        else
        {
            request.Headers.Add("X-B3-TraceId", traceId);
            request.Headers.Add("X-B3-SpanId", spanId);
            request.Headers.Add("X-B3-Sampled", "1");
        }

        using var response = await app.Client.SendAsync(request);
        Assert.Equal(traceId, await response.Content.ReadAsStringAsync());
        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 1);
        var server = Assert.Single(spans);
        Assert.Equal(spanId, server.GetProperty("parentId").GetString());
        Assert.Equal("SERVER", server.GetProperty("kind").GetString());
        Assert.Empty(_zipkin.Problems);
    }

    [Fact]
    public async Task A_64_bit_b3_trace_id_is_padded_and_a_denied_b3_trace_is_not_recorded()
    {
        await using var app = await TestApp.StartAsync("b3-service", TestApp.Exporting(_zipkin.Endpoint), map: a =>
            a.MapGet("/hello", () => Results.Text(Activity.Current!.TraceId.ToHexString())));
        var shortId = ActivitySpanId.CreateRandom().ToHexString();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/hello"))
        {
            request.Headers.Add("b3", $"{shortId}-{ActivitySpanId.CreateRandom().ToHexString()}-1");
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(new string('0', 16) + shortId, await response.Content.ReadAsStringAsync());
        }
        var denied = ActivityTraceId.CreateRandom().ToHexString();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/hello"))
        {
            request.Headers.Add("b3", $"{denied}-{ActivitySpanId.CreateRandom().ToHexString()}-0");
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(denied, await response.Content.ReadAsStringAsync());
        }
        await _zipkin.WaitForTraceAsync(new string('0', 16) + shortId, s => s.Count >= 1);
        app.Services.GetRequiredService<TracingRuntime>().ForceFlush();
        Assert.Empty(_zipkin.Trace(denied));
    }

    [Fact]
    public async Task A_failing_request_is_an_error_span_and_health_probes_are_not_traced()
    {
        await using var app = await TestApp.StartAsync("failing-service", TestApp.Exporting(_zipkin.Endpoint), map: a =>
            a.MapGet("/boom", IResult () => throw new InvalidOperationException("kaboom")));
        using var response = await app.Client.GetAsync("/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        (await app.Client.GetAsync("/actuator/health")).Dispose();

        JsonElement? failed = null;
        for (var i = 0; i < 200 && failed is null; i++)
        {
            failed = _zipkin.Spans.Cast<JsonElement?>().FirstOrDefault(s => s!.Value.GetProperty("localEndpoint").GetProperty("serviceName").GetString() == "failing-service"
                && s.Value.GetProperty("name").GetString() == "GET /boom");
            await Task.Delay(50);
        }
        Assert.NotNull(failed);
        var tags = failed.Value.GetProperty("tags");
        Assert.Equal("ERROR", tags.GetProperty("otel.status_code").GetString());
        Assert.Equal("kaboom", tags.GetProperty("error").GetString());
        Assert.Equal("500", tags.GetProperty("http.response.status_code").GetString());
        Assert.Contains(failed.Value.GetProperty("annotations").EnumerateArray(), a => a.GetProperty("value").GetString()!.StartsWith("\"exception\"", StringComparison.Ordinal));
        app.Services.GetRequiredService<TracingRuntime>().ForceFlush();
        Assert.DoesNotContain(_zipkin.Spans, s => s.GetProperty("tags").TryGetProperty("url.path", out var path) && path.GetString() == "/actuator/health");
        Assert.Empty(_zipkin.Problems);
    }

    [Fact]
    public async Task The_gateway_forward_is_a_client_span_under_the_gateway_request()
    {
        await using var b = await TestApp.StartAsync("service-b", TestApp.Exporting(_zipkin.Endpoint), map: app =>
            app.MapGet("/b/{id}", (string id) => Results.Text(Activity.Current!.TraceId.ToHexString())));
        await using var gateway = await TestApp.StartAsync("gateway", TestApp.Exporting(_zipkin.Endpoint),
            builder => builder.Services.AddReverseProxy().LoadFromMemory(
                [new RouteConfig { RouteId = "b", ClusterId = "b", Match = new RouteMatch { Path = "/b/{**rest}" } }],
                [new ClusterConfig { ClusterId = "b", Destinations = new Dictionary<string, DestinationConfig> { ["b1"] = new() { Address = b.BaseAddress.ToString() } } }]),
            app => app.MapReverseProxy());

        var traceId = await gateway.Client.GetStringAsync("/b/7");
        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 4);
        await Task.Delay(200);
        spans = _zipkin.Trace(traceId);
        Assert.Empty(_zipkin.Problems);

        var root = Single(spans, "SERVER", "gateway");
        var forward = Single(spans, "CLIENT", "gateway");
        var target = Single(spans, "SERVER", "service-b");
        Assert.Equal(Id(forward), target.GetProperty("parentId").GetString());
        Assert.Equal(b.Port, forward.GetProperty("remoteEndpoint").GetProperty("port").GetInt32());
        // YARP's own activity is kept as a local span (no kind) carrying the route and cluster.
        var proxy = Assert.Single(spans, s => !s.TryGetProperty("kind", out _));
        Assert.Equal("b", proxy.GetProperty("tags").GetProperty("proxy.route_id").GetString());
        Assert.Equal(Id(root), proxy.GetProperty("parentId").GetString());
        Assert.Equal(Id(proxy), forward.GetProperty("parentId").GetString());
        Assert.Equal(4, spans.Count);
    }

    [Fact]
    public async Task Kafka_helpers_make_the_consumer_span_a_child_of_the_producer_span()
    {
        await using var app = await TestApp.StartAsync("messaging-service", TestApp.Exporting(_zipkin.Endpoint));
        var messaging = app.Services.GetRequiredService<MessagingTracing>();
        var headers = new Dictionary<string, byte[]>();
        string traceId;
        using (var producer = messaging.StartProducer("orders", (k, v) => headers[k] = v, messageKey: "o-1"))
        {
            Assert.NotNull(producer);
            traceId = producer.TraceId.ToHexString();
        }
        Assert.True(TraceContextHeaders.TryExtract(headers, out var extracted));
        Assert.Equal(traceId, extracted.TraceId.ToHexString());
        using (var consumer = messaging.StartConsumer("orders", k => headers.GetValueOrDefault(k), "notification-service", partition: 0, offset: 12))
        {
            Assert.NotNull(consumer);
        }

        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 2);
        var producerSpan = Single(spans, "PRODUCER", "messaging-service");
        var consumerSpan = Single(spans, "CONSUMER", "messaging-service");
        Assert.Equal(Id(producerSpan), consumerSpan.GetProperty("parentId").GetString());
        Assert.Equal("send orders", producerSpan.GetProperty("name").GetString());
        Assert.Equal("process orders", consumerSpan.GetProperty("name").GetString());
        Assert.Equal("kafka", producerSpan.GetProperty("remoteEndpoint").GetProperty("serviceName").GetString());
        Assert.Equal("kafka", consumerSpan.GetProperty("remoteEndpoint").GetProperty("serviceName").GetString());
        Assert.Equal("12", consumerSpan.GetProperty("tags").GetProperty("messaging.kafka.offset").GetString());
        Assert.Empty(_zipkin.Problems);
    }

    [Fact]
    public async Task Without_a_zipkin_endpoint_nothing_is_exported_but_requests_have_trace_ids()
    {
        await using var app = await TestApp.StartAsync("quiet-service", map: a =>
            a.MapGet("/id", () => Results.Text(Activity.Current?.TraceId.ToHexString() ?? "")));
        var id = await app.Client.GetStringAsync("/id");
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Null(app.Services.GetRequiredService<TracingRuntime>().Statistics);
    }

    [Fact]
    public async Task With_a_zero_ratio_new_traces_are_not_recorded_but_a_sampled_caller_is_followed()
    {
        await using var app = await TestApp.StartAsync("sampled-service", TestApp.Exporting(_zipkin.Endpoint, new() { ["Tracing:SamplingRatio"] = "0" }), map: a =>
            a.MapGet("/hello", () => Results.Text(Activity.Current!.TraceId.ToHexString())));
        var fresh = await app.Client.GetStringAsync("/hello");
        var followed = ActivityTraceId.CreateRandom().ToHexString();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/hello"))
        {
            request.Headers.Add("traceparent", $"00-{followed}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(followed, await response.Content.ReadAsStringAsync());
        }
        Assert.Single(await _zipkin.WaitForTraceAsync(followed, s => s.Count >= 1));
        app.Services.GetRequiredService<TracingRuntime>().ForceFlush();
        Assert.Empty(_zipkin.Trace(fresh));
    }

    [Fact]
    public async Task A_database_command_span_names_the_database_system_as_its_remote_service()
    {
        // Npgsql's own source name and tags (stable DB semconv, Npgsql 10), without needing a server.
        using var npgsql = new ActivitySource("Npgsql");
        await using var app = await TestApp.StartAsync("db-service", TestApp.Exporting(_zipkin.Endpoint), map: a =>
            a.MapGet("/query", () =>
            {
                using (npgsql.StartActivity(ActivityKind.Client, tags: [new("db.system.name", "postgresql"), new("db.namespace", "orders"), new("server.address", "10.1.2.3"), new("server.port", 5433)], name: "SELECT orders"))
                {
                }
                return Results.Text(Activity.Current!.TraceId.ToHexString());
            }));
        var traceId = await app.Client.GetStringAsync("/query");
        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 2);
        var db = Single(spans, "CLIENT", "db-service");
        var remote = db.GetProperty("remoteEndpoint");
        Assert.Equal("postgresql", remote.GetProperty("serviceName").GetString());
        Assert.Equal("10.1.2.3", remote.GetProperty("ipv4").GetString());
        Assert.Equal(5433, remote.GetProperty("port").GetInt32());
        Assert.Equal("5433", db.GetProperty("tags").GetProperty("server.port").GetString());
        Assert.Equal(Id(Single(spans, "SERVER", "db-service")), db.GetProperty("parentId").GetString());
    }

    [Fact]
    public void Settings_are_checked_and_a_bare_zipkin_address_gets_its_span_path()
    {
        static ObservabilitySettings Read(Dictionary<string, string?> values) =>
            ObservabilitySettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

        var defaults = Read([]);
        Assert.Null(defaults.ZipkinEndpoint);
        Assert.Equal(1.0, defaults.SamplingRatio);
        Assert.Equal("http://zipkin:9411/api/v2/spans", Read(new() { ["Zipkin:Endpoint"] = "http://zipkin:9411" }).ZipkinEndpoint!.ToString());
        Assert.Equal(0.25, Read(new() { ["Tracing:SamplingRatio"] = "0.25" }).SamplingRatio);
        Assert.Equal(16, Read(new() { ["Zipkin:MaxQueueSize"] = "16" }).MaxExportBatchSize);
        var bad = Assert.Throws<EStore.Platform.Hosting.StartupConfigurationException>(() => Read(new() { ["Tracing:SamplingRatio"] = "1.5" }));
        Assert.Equal("Tracing:SamplingRatio", bad.Key);
        Assert.Throws<EStore.Platform.Hosting.StartupConfigurationException>(() => Read(new() { ["Zipkin:Endpoint"] = "zipkin:9411" }));
    }

    private static JsonElement Single(IReadOnlyList<JsonElement> spans, string kind, string service) =>
        Assert.Single(spans, s => s.TryGetProperty("kind", out var k) && k.GetString() == kind
            && s.GetProperty("localEndpoint").GetProperty("serviceName").GetString() == service);

    private static string Id(JsonElement span) => span.GetProperty("id").GetString()!;

    private static long Start(JsonElement span) => span.GetProperty("timestamp").GetInt64();

    private static long End(JsonElement span) => Start(span) + span.GetProperty("duration").GetInt64();
}
