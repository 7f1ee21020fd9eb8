using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EStore.Testing;

/// <summary>A stand-in Zipkin: accepts POST /api/v2/spans and keeps what it received.</summary>
public sealed class ZipkinCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonElement> _spans = new();
    private readonly ConcurrentQueue<string> _problems = new();

    private ZipkinCollector(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<JsonElement> Spans => [.. _spans];

    /// <summary>Bodies or spans that a real Zipkin would have rejected.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    public static async Task<ZipkinCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new ZipkinCollector(app);
        app.MapPost("/api/v2/spans", (Func<HttpContext, Task<IResult>>)collector.ReceiveAsync);
        await app.StartAsync();
        collector.Endpoint = new Uri(new Uri(app.Urls.Single()), "/api/v2/spans");
        return collector;
    }

    public IReadOnlyList<JsonElement> Trace(string traceId) =>
        [.. Spans.Where(s => s.GetProperty("traceId").GetString() == traceId)];

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for the spans of a trace.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<JsonElement>, bool> done, int timeoutMilliseconds = 10_000)
    {
        for (var waited = 0; waited < timeoutMilliseconds; waited += 50)
        {
            var spans = Trace(traceId);
            if (done(spans))
            {
                return spans;
            }
            await Task.Delay(50);
        }
        return Trace(traceId);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        if (bytes.Length == 0 || bytes[0] != (byte)'[')
        {
            _problems.Enqueue("body does not start with '['");
            return Results.BadRequest();
        }
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            _problems.Enqueue($"content type {http.Request.ContentType}");
        }
        using var document = JsonDocument.Parse(bytes);
        foreach (var span in document.RootElement.EnumerateArray())
        {
            foreach (var problem in ZipkinSpanRules.Check(span))
            {
                _problems.Enqueue($"{problem}: {span}");
            }
            _spans.Enqueue(span.Clone());
        }
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }
}
