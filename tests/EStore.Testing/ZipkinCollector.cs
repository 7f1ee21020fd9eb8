using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Text;
using System.Text.Json;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace EStore.Testing;

/// <summary>
/// A stand-in Zipkin on WireMock.Net: answers POST /api/v2/spans with 202 (400 when the body is not a JSON array, as
/// Zipkin does), checks every span against Zipkin's v2 rules (<see cref="ZipkinSpanRules"/>) and keeps what it received.
/// </summary>
public sealed class ZipkinCollector : IAsyncDisposable
{
    private const string SpansPath = "/api/v2/spans";
    private readonly WireMockServer _server;
    private readonly ConcurrentQueue<JsonElement> _spans = new();
    private readonly ConcurrentQueue<string> _problems = new();

    private ZipkinCollector()
    {
        _server = WireMockServer.Start();
        _server.Given(Request.Create().WithPath(SpansPath).UsingPost().WithBody(new RegexMatcher(@"^\[")))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(202));
        _server.Given(Request.Create().WithPath(SpansPath).UsingPost())
            .AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(400));
        _server.LogEntriesChanged += (_, change) =>
        {
            if (change.Action == NotifyCollectionChangedAction.Add)
            {
                foreach (var entry in change.NewItems!.OfType<ILogEntry>())
                {
                    Receive(entry);
                }
            }
        };
        Endpoint = new Uri(new Uri(_server.Url!), SpansPath);
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<JsonElement> Spans => [.. _spans];

    /// <summary>Bodies or spans that a real Zipkin would have rejected.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    public static Task<ZipkinCollector> StartAsync() => Task.FromResult(new ZipkinCollector());

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

    public ValueTask DisposeAsync()
    {
        _server.Stop();
        _server.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Receive(ILogEntry entry)
    {
        var request = entry.RequestMessage;
        if (request.Method != "POST" || request.AbsolutePath != SpansPath)
        {
            _problems.Enqueue($"{request.Method} {request.AbsolutePath}");
            return;
        }
        var bytes = request.BodyAsBytes ?? Encoding.UTF8.GetBytes(request.Body ?? "");
        if (bytes.Length == 0 || bytes[0] != (byte)'[')
        {
            _problems.Enqueue("body does not start with '['");
            return;
        }
        var contentType = request.Headers is { } headers && headers.TryGetValue("Content-Type", out var values) ? values.FirstOrDefault() : null;
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            _problems.Enqueue($"content type {contentType}");
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
    }
}
