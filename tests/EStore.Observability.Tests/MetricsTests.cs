using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using EStore.Platform.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Observability.Tests;

public sealed class MetricsTests
{
    // About the SDK's default cardinality limit per metric (2000 series and the overflow one).
    private const int MaxSeries = 2001;

    [Fact]
    public async Task Metrics_lists_the_request_duration_and_drills_down_by_tag()
    {
        await using var app = await StartAsync();
        (await app.Client.GetAsync("/hello")).Dispose();

        var names = await WaitForNamesAsync(app, "http.server.request.duration");
        Assert.Contains("http.server.request.duration", names);
        Assert.Contains("http.server.active_requests", names);
        Assert.Contains(names, n => n.StartsWith("dotnet.gc.", StringComparison.Ordinal));
        Assert.Contains("dotnet.process.memory.working_set", names);

        using var metric = JsonDocument.Parse(await app.Management!.GetStringAsync("/actuator/metrics/http.server.request.duration?tag=http.response.status_code:200"));
        var root = metric.RootElement;
        Assert.Equal("http.server.request.duration", root.GetProperty("name").GetString());
        Assert.Equal("seconds", root.GetProperty("baseUnit").GetString());
        var measurements = root.GetProperty("measurements").EnumerateArray().ToDictionary(m => m.GetProperty("statistic").GetString()!, m => m.GetProperty("value").GetDouble());
        Assert.True(measurements["COUNT"] >= 1);
        Assert.True(measurements["TOTAL_TIME"] > 0);
        Assert.True(measurements["MAX"] > 0);
        var tags = root.GetProperty("availableTags").EnumerateArray().ToDictionary(t => t.GetProperty("tag").GetString()!, t => t.GetProperty("values").EnumerateArray().Select(v => v.GetString()).ToList());
        Assert.DoesNotContain("http.response.status_code", tags.Keys);
        Assert.Contains("/hello", tags["http.route"]);

        using var other = await app.Management!.GetAsync("/actuator/metrics/http.server.request.duration?tag=http.route:/nowhere");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task An_unknown_metric_is_a_404_problem_and_a_malformed_tag_a_400()
    {
        await using var app = await StartAsync();
        using var missing = await app.Management!.GetAsync("/actuator/metrics/no.such.metric");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        using var malformed = await app.Management!.GetAsync("/actuator/metrics/http.server.active_requests?tag=nocolon");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Prometheus_output_parses_strictly_and_names_are_normalised()
    {
        await using var app = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            (await app.Client.GetAsync("/hello")).Dispose();
            (await app.Client.GetAsync("/orders")).Dispose();
        }
        await WaitForNamesAsync(app, "http.server.request.duration");

        using var response = await app.Management!.GetAsync("/actuator/prometheus");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var families = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        var duration = families["http_server_request_duration_seconds"];
        Assert.Equal("histogram", duration.Type);
        Assert.Contains(duration.Samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_route") == "/hello" && s.Value >= 3);
        // The Prometheus exporter writes no _max series for histograms; MAX is in /actuator/metrics.

        var orders = families["estore_test_orders_total"];
        Assert.Equal("counter", orders.Type);
        Assert.Equal(6, Assert.Single(orders.Samples, s => s.Labels.GetValueOrDefault("outcome") == "placed \"fast\"\nok").Value);
        Assert.Equal("gauge", families["http_server_active_requests"].Type);
        Assert.Contains(families.Values, f => f.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.All(families.Values.Where(f => f.Type == "counter"), f => Assert.EndsWith("_total", f.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_histogram_value_on_a_bucket_boundary_falls_in_that_bucket_and_runaway_tags_are_capped()
    {
        await using var app = await StartAsync();
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        var meter = meters.Create("EStore.Test.Histogram");
        var histogram = meter.CreateHistogram<double>("estore.test.size", "By", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10, 20] });
        histogram.Record(10);
        histogram.Record(15);
        histogram.Record(25);
        var counter = meter.CreateCounter<long>("estore.test.ids");
        for (var i = 0; i < MaxSeries + 50; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        var metrics = app.Services.GetRequiredService<ActuatorMetrics>();
        Assert.Equal(25, Assert.Single(metrics.Collect("estore.test.size")!.Series).Max);
        var ids = metrics.Collect("estore.test.ids")!.Series;
        // Capped, and nothing lost: what does not fit is counted in the overflow series.
        Assert.InRange(ids.Count, MaxSeries - 2, MaxSeries);
        Assert.True(Assert.Single(ids, s => s.Tags.Any(t => t.Key == "otel.metric.overflow")).Value >= 50);
        Assert.Equal(MaxSeries + 50, ids.Sum(s => s.Value));

        // Buckets are cumulative in the scrape: 10 falls in le="10".
        var families = PrometheusText.Parse(await app.Management!.GetStringAsync("/actuator/prometheus"));
        var buckets = families["estore_test_size_bytes"].Samples.Where(s => s.Name == "estore_test_size_bytes_bucket").ToDictionary(s => s.Labels["le"], s => s.Value);
        Assert.Equal(1, buckets["10"]);
        Assert.Equal(2, buckets["20"]);
        Assert.Equal(3, buckets["+Inf"]);
    }

    [Fact]
    public async Task Measurements_with_the_same_tags_in_any_order_share_one_series()
    {
        await using var app = await StartAsync();
        var counter = app.Services.GetRequiredService<IMeterFactory>().Create("EStore.Test.Tags").CreateCounter<long>("estore.test.tagged");
        KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
        counter.Add(1, Tag("a", "x"), Tag("b", 200));
        counter.Add(1, Tag("b", 200), Tag("a", "x"));
        counter.Add(1, Tag("a", "x"), Tag("b", "200"));
        counter.Add(1, Tag("a", "x"), Tag("b", 200), Tag("c", null));
        // A repeated tag does not stand in for a missing one.
        counter.Add(1, Tag("a", "x"), Tag("a", "x"));
        counter.Add(1, Tag("a", "x"));
        counter.Add(1, Tag("a", "x"), Tag("b", 2.5));
        counter.Add(1, Tag("b", 2.5), Tag("a", "x"));
        counter.Add(1, Tag("a", "x"), Tag("b", 201));

        var series = app.Services.GetRequiredService<ActuatorMetrics>().Collect("estore.test.tagged")!.Series
            .ToDictionary(s => string.Join(",", s.Tags.Select(t => $"{t.Key}={t.Value}")), s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["a=x,b=200"] = 4, ["a=x,a=x"] = 1, ["a=x"] = 1, ["a=x,b=2.5"] = 2, ["a=x,b=201"] = 1 }, series);
    }

    [Fact]
    public async Task Recording_into_an_existing_series_allocates_nothing()
    {
        await using var app = await StartAsync();
        var histogram = app.Services.GetRequiredService<IMeterFactory>().Create("EStore.Test.Allocation").CreateHistogram<double>("estore.test.latency", "s");
        var route = new KeyValuePair<string, object?>("http.route", "/api/orders/{id}");
        var method = new KeyValuePair<string, object?>("http.request.method", "GET");
        histogram.Record(0.01, route, method);
        histogram.Record(0.01, method, route);

        // Every request records several measurements: finding their series must not make garbage.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            histogram.Record(0.01, method, route);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024, $"{allocated} bytes allocated by 1000 measurements");
        Assert.Equal(1002, Assert.Single(app.Services.GetRequiredService<ActuatorMetrics>().Collect("estore.test.latency")!.Series).Count);
    }

    [Fact]
    public async Task Two_applications_in_one_process_keep_their_own_request_metrics()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        for (var i = 0; i < 4; i++)
        {
            (await first.Client.GetAsync("/hello")).Dispose();
        }
        await WaitForNamesAsync(first, "http.server.request.duration");
        await Task.Delay(100);
        var inFirst = first.Services.GetRequiredService<ActuatorMetrics>().Collect("http.server.request.duration")!.Series.Sum(s => s.Count);
        var inSecond = second.Services.GetRequiredService<ActuatorMetrics>().Collect("http.server.request.duration")?.Series.Sum(s => s.Count) ?? 0;
        Assert.True(inFirst >= 4);
        Assert.Equal(0, inSecond);
    }

    [Fact]
    public async Task Per_request_noise_is_left_out_by_default_and_the_list_is_configurable()
    {
        await using (var defaults = await StartAsync())
        {
            (await defaults.Client.GetAsync("/hello")).Dispose();
            var names = await WaitForNamesAsync(defaults, "http.server.request.duration");
            Assert.Contains("http.server.request.duration", names);
            Assert.DoesNotContain("aspnetcore.routing.match_attempts", names);
            Assert.DoesNotContain(names, n => n.StartsWith("aspnetcore.memory_pool.", StringComparison.Ordinal));
        }

        // The operator's list replaces the default one: routing comes back, the request duration goes.
        await using var configured = await StartAsync(new Dictionary<string, string?> { [ObservabilitySettings.ExcludedMetricsKey] = "http.server.request.,kestrel." });
        (await configured.Client.GetAsync("/hello")).Dispose();
        var configuredNames = await WaitForNamesAsync(configured, "aspnetcore.routing.match_attempts");
        Assert.Contains("aspnetcore.routing.match_attempts", configuredNames);
        Assert.Contains("http.server.active_requests", configuredNames);
        Assert.DoesNotContain("http.server.request.duration", configuredNames);
        Assert.DoesNotContain(configuredNames, n => n.StartsWith("kestrel.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_and_prometheus_answer_on_the_management_port_only()
    {
        await using var app = await StartAsync();
        foreach (var path in new[] { "/actuator/metrics", "/actuator/metrics/http.server.active_requests", "/actuator/prometheus" })
        {
            using var main = await app.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, main.StatusCode);
            using var management = await app.Management!.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, management.StatusCode);
        }
    }

    // With a management port (a free one): the metrics endpoints answer there only.
    private static Task<TestApp> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestApp.StartAsync("metrics-service", new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Management:Port"] = "0" }, map: app =>
        {
            var orders = app.Services.GetRequiredService<IMeterFactory>().Create("EStore.Test").CreateCounter<long>("estore.test.orders", "{order}", "Orders placed.");
            app.MapGet("/hello", () => Results.Text("hello"));
            app.MapGet("/orders", () =>
            {
                orders.Add(2, new KeyValuePair<string, object?>("outcome", "placed \"fast\"\nok"));
                return Results.Text("ok");
            });
        });

    private static async Task<List<string>> WaitForNamesAsync(TestApp app, string name)
    {
        // The request metric is recorded as the response completes, just after the client has it.
        List<string> names = [];
        for (var i = 0; i < 100; i++)
        {
            using var document = JsonDocument.Parse(await app.Management!.GetStringAsync("/actuator/metrics"));
            names = [.. document.RootElement.GetProperty("names").EnumerateArray().Select(n => n.GetString()!)];
            var registry = app.Services.GetRequiredService<ActuatorMetrics>();
            if (names.Contains(name) && registry.Collect(name)?.Series.Count > 0)
            {
                return names;
            }
            await Task.Delay(50);
        }
        return names;
    }
}
