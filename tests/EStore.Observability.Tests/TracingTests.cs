using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
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

        // The client span names the instance it called; each server span names the instance it ran on. The Zipkin
        // exporter puts only a service name in the endpoints (the address as the client's remote service): the
        // address and port travel as the span's server.address and server.port tags.
        Assert.Equal("127.0.0.1", clientA.GetProperty("remoteEndpoint").GetProperty("serviceName").GetString());
        Assert.Equal("127.0.0.1", Tag(clientA, "server.address"));
        Assert.Equal(b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Tag(clientA, "server.port"));
        Assert.Equal(b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Tag(serverB, "server.port"));
        Assert.Equal("127.0.0.1", Tag(serverB, "server.address"));
        Assert.Equal(a.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Tag(serverA, "server.port"));

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
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
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
        // The exporter writes an event as its name alone (the exception's attributes stay out of Zipkin).
        Assert.Contains(failed.Value.GetProperty("annotations").EnumerateArray(), a => a.GetProperty("value").GetString() == "exception");
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
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
        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 3);
        await Task.Delay(200);
        spans = _zipkin.Trace(traceId);
        Assert.Empty(_zipkin.Problems);

        var root = Single(spans, "SERVER", "gateway");
        var forward = Single(spans, "CLIENT", "gateway");
        var target = Single(spans, "SERVER", "service-b");
        Assert.Equal(Id(forward), target.GetProperty("parentId").GetString());
        Assert.Equal(b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Tag(forward, "server.port"));
        // YARP's own proxy.forwarder span (kind SERVER, which Zipkin would draw as gateway -> gateway) is not
        // recorded: the forward hangs directly under the gateway's request, whose route is YARP's.
        Assert.Equal(Id(root), forward.GetProperty("parentId").GetString());
        Assert.Equal("/b/{**rest}", Tag(root, "http.route"));
        Assert.Equal(3, spans.Count);
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
        // The Zipkin exporter writes a remote endpoint for CLIENT and PRODUCER spans only; the consumer names the
        // broker in its peer.service tag.
        Assert.Equal("kafka", Tag(consumerSpan, "peer.service"));
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
        // Spans are made (so ids propagate and are logged) but no exporter is registered: nothing leaves the process.
        Assert.NotNull(app.Services.GetRequiredService<TracerProvider>());
        Assert.Null(app.Services.GetRequiredService<ObservabilitySettings>().ZipkinEndpoint);
        Assert.Empty(app.Services.GetServices<SpanExportStatistics>());
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
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        Assert.Empty(_zipkin.Trace(fresh));
    }

    [Fact]
    public async Task A_database_command_span_names_the_database_system_as_its_remote_service()
    {
        // Npgsql's own source name and tags (stable DB semconv, Npgsql 10), without needing a server.
        using var npgsql = new ActivitySource("Npgsql");
        // AddServiceDatabase adds the database telemetry; this app has no database of its own.
        await using var app = await TestApp.StartAsync("db-service", TestApp.Exporting(_zipkin.Endpoint), configure: b => b.Services.AddDatabaseTelemetry(), map: a =>
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
        Assert.Equal("10.1.2.3", Tag(db, "server.address"));
        Assert.Equal("5433", Tag(db, "server.port"));
        Assert.Equal(Id(Single(spans, "SERVER", "db-service")), db.GetProperty("parentId").GetString());
    }

    [Fact]
    public async Task A_local_span_reaches_zipkin_with_string_tags_its_scope_its_error_and_no_kind()
    {
        using var source = new ActivitySource("EStore.Tests.Mapping", "1.2.3");
        await using var app = await TestApp.StartAsync("mapping-service", TestApp.Exporting(_zipkin.Endpoint), map: a =>
            a.MapGet("/work", () =>
            {
                using (var activity = source.StartActivity("operation")!)
                {
                    activity.SetTag("int", 42);
                    activity.SetTag("double", 0.1);
                    activity.SetTag("bool", true);
                    activity.SetTag("strings", new[] { "a", "b" });
                    activity.SetTag("error", false);
                    activity.AddEvent(new ActivityEvent("cache-miss"));
                    activity.SetStatus(ActivityStatusCode.Error, "stock service timed out");
                }
                return Results.Text(Activity.Current!.TraceId.ToHexString());
            }));

        var traceId = await app.Client.GetStringAsync("/work");
        var spans = await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 2);
        var local = Assert.Single(spans, s => s.GetProperty("name").GetString() == "operation");
        Assert.False(local.TryGetProperty("kind", out _));
        Assert.False(local.TryGetProperty("remoteEndpoint", out _));
        Assert.Equal("42", Tag(local, "int"));
        Assert.Equal("0.1", Tag(local, "double"));
        Assert.Equal("true", Tag(local, "bool"));
        Assert.Equal("[\"a\",\"b\"]", Tag(local, "strings"));
        // A user's "error": false would paint the span red; the status decides instead.
        Assert.Equal("ERROR", Tag(local, "otel.status_code"));
        Assert.Equal("stock service timed out", Tag(local, "error"));
        Assert.Equal("EStore.Tests.Mapping", Tag(local, "otel.scope.name"));
        Assert.Equal("1.2.3", Tag(local, "otel.scope.version"));
        Assert.Equal("cache-miss", Assert.Single(local.GetProperty("annotations").EnumerateArray()).GetProperty("value").GetString());
        Assert.Equal("mapping-service", local.GetProperty("localEndpoint").GetProperty("serviceName").GetString());
        Assert.Empty(_zipkin.Problems);
    }

    [Fact]
    public async Task Spans_also_go_to_an_otlp_collector_when_its_endpoint_is_set()
    {
        using var otlp = WireMockServer.Start();
        otlp.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using var app = await TestApp.StartAsync("otlp-service", TestApp.Exporting(_zipkin.Endpoint, new() { ["Otlp:Endpoint"] = $"{otlp.Url}/v1/traces" }), map: a =>
            a.MapGet("/hello", () => Results.Text(Activity.Current!.TraceId.ToHexString())));

        var traceId = await app.Client.GetStringAsync("/hello");
        Assert.Single(await _zipkin.WaitForTraceAsync(traceId, s => s.Count >= 1));
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        // ForceFlush can return while the POST is still under way (the batch left the queue): wait for its result.
        var statistics = app.Services.GetServices<SpanExportStatistics>().ToDictionary(s => s.Exporter);
        var otlpCounts = statistics["otlp"];
        for (var waited = 0; otlpCounts.Exported + otlpCounts.DroppedExportFailed == 0 && waited < 5000; waited += 20)
        {
            await Task.Delay(20);
        }

        var post = Assert.Single(otlp.LogEntries, e => e.RequestMessage.AbsolutePath == "/v1/traces").RequestMessage;
        Assert.Equal("application/x-protobuf", post.Headers!["Content-Type"].Single());
        // The protobuf body carries the trace id as 16 raw bytes.
        Assert.True(post.BodyAsBytes!.AsSpan().IndexOf(Convert.FromHexString(traceId)) >= 0);
        // Each exporter keeps its own counts (the metrics' exporter tag).
        Assert.Equal(["otlp", "zipkin"], statistics.Keys.Order());
        Assert.True(otlpCounts.Exported >= 1, $"exported {otlpCounts.Exported}, failed {otlpCounts.DroppedExportFailed}");
        Assert.Equal(0, otlpCounts.DroppedExportFailed + otlpCounts.DroppedQueueFull);
    }

    [Fact]
    public void Settings_are_checked_and_a_bare_zipkin_address_gets_its_span_path()
    {
        static ObservabilitySettings Read(Dictionary<string, string?> values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetValidatedOptions<ObservabilitySettings>(ObservabilitySettings.Section);

        var defaults = Read([]);
        Assert.Null(defaults.ZipkinEndpoint);
        Assert.Equal(1.0, defaults.SamplingRatio);
        Assert.Equal("http://zipkin:9411/api/v2/spans", Read(new() { ["Zipkin:Endpoint"] = "http://zipkin:9411" }).ZipkinEndpoint!.ToString());
        Assert.Equal(0.25, Read(new() { ["Tracing:SamplingRatio"] = "0.25" }).SamplingRatio);
        Assert.Equal(16, Read(new() { ["Zipkin:MaxQueueSize"] = "16" }).MaxExportBatchSize);
        var bad = Assert.Throws<EStore.Platform.Hosting.StartupConfigurationException>(() => Read(new() { ["Tracing:SamplingRatio"] = "1.5" }));
        Assert.Equal("Tracing:SamplingRatio", bad.Key);
        Assert.Throws<EStore.Platform.Hosting.StartupConfigurationException>(() => Read(new() { ["Zipkin:Endpoint"] = "zipkin:9411" }));
        Assert.Null(defaults.OtlpEndpoint);
        Assert.Equal("http://collector:4317/", Read(new() { ["Otlp:Endpoint"] = "http://collector:4317" }).OtlpEndpoint!.ToString());
        Assert.Equal("Otlp:Endpoint", Assert.Throws<EStore.Platform.Hosting.StartupConfigurationException>(() => Read(new() { ["Otlp:Endpoint"] = "collector:4317" })).Key);
    }

    [Fact]
    public void An_export_batch_larger_than_the_queue_stops_startup_instead_of_being_cut_down()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zipkin:MaxQueueSize"] = "16",
            ["Zipkin:MaxExportBatchSize"] = "64",
        }).Build();

        var error = Assert.Throws<EStore.Platform.Hosting.StartupConfigurationException>(() =>
            configuration.GetValidatedOptions<ObservabilitySettings>(ObservabilitySettings.Section));

        Assert.Equal("Zipkin:MaxExportBatchSize: '64' must be from 1 to 16.", error.Message);
    }

    private static JsonElement Single(IReadOnlyList<JsonElement> spans, string kind, string service) =>
        Assert.Single(spans, s => s.TryGetProperty("kind", out var k) && k.GetString() == kind
            && s.GetProperty("localEndpoint").GetProperty("serviceName").GetString() == service);

    private static string Id(JsonElement span) => span.GetProperty("id").GetString()!;

    private static string? Tag(JsonElement span, string key) => span.GetProperty("tags").TryGetProperty(key, out var value) ? value.GetString() : null;

    private static long Start(JsonElement span) => span.GetProperty("timestamp").GetInt64();

    private static long End(JsonElement span) => Start(span) + span.GetProperty("duration").GetInt64();
}
