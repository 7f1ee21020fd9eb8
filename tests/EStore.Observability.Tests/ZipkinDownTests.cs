using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EStore.Platform.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace EStore.Observability.Tests;

/// <summary>Timing-sensitive: runs alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}

[Collection(SerialCollection.Name)]
public sealed class ZipkinDownTests
{
    private const int QueueLimit = 40;

    [Fact]
    public async Task Requests_succeed_at_the_same_speed_when_zipkin_is_unreachable_and_the_queue_stays_bounded()
    {
        await using var zipkin = await ZipkinCollector.StartAsync();
        await using var up = await StartAsync("zipkin-up", zipkin.Endpoint.ToString());
        var logs = new CapturingLoggerProvider();
        await using var down = await StartAsync("zipkin-down", $"http://127.0.0.1:{FreePort.Next()}/api/v2/spans", logs);

        var (upLatencies, downLatencies) = await MeasureAsync(up, down, rounds: 300);

        var statistics = Statistics(down);
        down.Services.GetRequiredService<TracerProvider>().ForceFlush(2000);
        Assert.True(statistics.DroppedExportFailed > 0, "failed exports are counted as drops");
        Assert.Equal(0, statistics.Exported);
        Assert.InRange(statistics.MaxQueueLengthSeen, 1, QueueLimit);
        // The healthy service's spans arrived; the other's never did, and no request waited for them.
        Assert.True(up.Services.GetRequiredService<TracerProvider>().ForceFlush(2000));
        Assert.True(Statistics(up).Exported > 0);
        // An operator reads the same counts as metrics.
        var metrics = down.Services.GetRequiredService<ActuatorMetrics>();
        // (A last failed batch may still be counted after ForceFlush returns, so no equality with the statistics.)
        Assert.True(Series(metrics, "estore.tracing.spans.dropped", "export_failed") > 0);
        Assert.Equal(0, Series(metrics, "estore.tracing.spans.exported"));
        Assert.InRange(Series(metrics, "estore.tracing.queue.size"), 0, QueueLimit);
        Assert.True(Series(up.Services.GetRequiredService<ActuatorMetrics>(), "estore.tracing.spans.exported") > 0);
        Assert.Contains(zipkin.Spans, s => s.GetProperty("localEndpoint").GetProperty("serviceName").GetString() == "zipkin-up");
        Assert.DoesNotContain(zipkin.Spans, s => s.GetProperty("localEndpoint").GetProperty("serviceName").GetString() == "zipkin-down");
        AssertSimilar(upLatencies, downLatencies);
        // Dozens of failed batches, one warning (rate-limited to one a minute).
        var warning = Assert.Single(logs.Lines, l => l.Level >= LogLevel.Warning && l.Category.Contains("Zipkin", StringComparison.Ordinal));
        Assert.Contains("not accepting spans", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zipkin_that_never_answers_fills_the_queue_to_its_limit_and_no_further()
    {
        // Accepts connections (the kernel does) but never reads or answers.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        await using var zipkin = await ZipkinCollector.StartAsync();
        await using var up = await StartAsync("zipkin-up", zipkin.Endpoint.ToString());
        await using var hanging = await StartAsync("zipkin-hanging", $"http://127.0.0.1:{port}/api/v2/spans");

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var (upLatencies, hangingLatencies) = await MeasureAsync(up, hanging, rounds: 300);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var statistics = Statistics(hanging);
        Assert.True(statistics.DroppedQueueFull > 0, "spans beyond the queue limit are dropped and counted");
        Assert.InRange(statistics.MaxQueueLengthSeen, 1, QueueLimit);
        Assert.InRange(statistics.QueueLength, 0, QueueLimit);
        Assert.True(Series(hanging.Services.GetRequiredService<ActuatorMetrics>(), "estore.tracing.spans.dropped", "queue_full") > 0);
        // 300 requests' worth of spans held would be visible; a bounded queue is not (loose bound).
        Assert.True(after - before < 32 * 1024 * 1024, $"memory grew by {after - before} bytes");
        AssertSimilar(upLatencies, hangingLatencies);
    }

    private static Task<TestApp> StartAsync(string name, string endpoint, CapturingLoggerProvider? logs = null) =>
        TestApp.StartAsync(name, new Dictionary<string, string?>
        {
            ["Zipkin:Endpoint"] = endpoint,
            ["Zipkin:MaxQueueSize"] = QueueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Zipkin:MaxExportBatchSize"] = "10",
            ["Zipkin:ScheduledDelayMilliseconds"] = "20",
            ["Zipkin:ExportTimeoutMilliseconds"] = "500",
        }, builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
        }, app => app.MapGet("/work", () => Results.Text("done")));

    /// <summary>Alternates requests between the two services so both see the same machine load.</summary>
    private static async Task<(List<double> First, List<double> Second)> MeasureAsync(TestApp first, TestApp second, int rounds)
    {
        for (var i = 0; i < 30; i++)
        {
            await GetAsync(first);
            await GetAsync(second);
        }
        var a = new List<double>(rounds);
        var b = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            a.Add(await GetAsync(first));
            b.Add(await GetAsync(second));
        }
        return (a, b);
    }

    private static async Task<double> GetAsync(TestApp app)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await app.Client.GetAsync("/work");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void AssertSimilar(List<double> healthy, List<double> degraded)
    {
        // Loose on purpose (a shared, loaded machine): a blocked request would take the export timeout (500 ms).
        var healthyMedian = Median(healthy);
        var degradedMedian = Median(degraded);
        Assert.True(degradedMedian < (healthyMedian * 3) + 5, $"median {degradedMedian:F2} ms with Zipkin away vs {healthyMedian:F2} ms with Zipkin up");
        Assert.True(Percentile(degraded, 0.9) < 250, $"p90 {Percentile(degraded, 0.9):F2} ms with Zipkin away");
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }

    /// <summary>The metric's zipkin series (with <c>reason</c> = <paramref name="reason"/> when given).</summary>
    private static double Series(ActuatorMetrics metrics, string name, string? reason = null) =>
        Assert.Single(metrics.Collect(name)!.Series, s =>
            s.Tags.Contains(new("exporter", "zipkin")) && (reason is null || s.Tags.Contains(new("reason", reason)))).Value;

    private static SpanExportStatistics Statistics(TestApp app) =>
        app.Services.GetServices<SpanExportStatistics>().Single(s => s.Exporter == "zipkin");
}
