using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using EStore.Gateway.Routing;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Gateway.OpenApi;

/// <summary>Settings of the collected API documents (<c>Gateway:ApiDocs</c>).</summary>
public sealed class ApiDocsOptions : IValidatedOptions
{
    public const string Section = "Gateway:ApiDocs";

    /// <summary>How long a fetched document is served from memory; 0 fetches every time.</summary>
    public int CacheSeconds { get; set; } = 30;

    /// <summary>How long a service may take to answer with its document.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>The gateway's public base URL written into <c>servers</c>; unset, the request's own scheme, host and path base.</summary>
    public string? PublicBaseUrl { get; set; }

    public void Validate(OptionsCheck check)
    {
        check.Range(CacheSeconds, 0, 86_400);
        check.Range(TimeoutSeconds, 1, 60);
        check.HttpUrl(PublicBaseUrl);
    }
}

/// <summary>What looking up a service's document gave.</summary>
public enum DocumentStatus
{
    Found,
    UnknownService,
    Unavailable,
}

/// <summary>A service's document (a copy the caller may change) or why there is none.</summary>
public sealed record DocumentLookup(DocumentStatus Status, string Service, JsonObject? Document = null);

/// <summary>
/// The OpenAPI documents of the services the gateway routes to: the list comes from the route
/// configuration, each document from any UP instance of the service (through discovery), kept in
/// memory for <see cref="ApiDocsOptions.CacheSeconds"/>.
/// </summary>
public sealed partial class ServiceDocuments(
    IHttpClientFactory clients,
    DiscoveryProxyConfigProvider routes,
    IOptionsMonitor<ApiDocsOptions> settings,
    TimeProvider time,
    ILogger<ServiceDocuments> logger)
{
    /// <summary>The discovery-aware client that fetches documents.</summary>
    public const string HttpClientName = "api-docs";

    private readonly ConcurrentDictionary<string, CachedDocument> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fetching = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The services (cluster ids) that routes of the current configuration lead to, by name; routes with metadata
    /// <c>ApiDocs: false</c> (the web front end's pages) lead to no API and are left out.
    /// </summary>
    public IReadOnlyList<string> Services => routes.Current.Routes
        .Where(r => r.Metadata?.TryGetValue("ApiDocs", out var listed) != true || !string.Equals(listed, "false", StringComparison.OrdinalIgnoreCase))
        .Select(r => r.ClusterId)
        .OfType<string>()
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .Order(StringComparer.OrdinalIgnoreCase)
        .ToList();

    /// <summary>
    /// The routed <see cref="Services"/> that have at least one UP instance now: what <c>GET /api-docs</c> and the
    /// Swagger UI list, so neither offers a document that cannot be fetched.
    /// </summary>
    public IReadOnlyList<string> RunningServices
    {
        get
        {
            var config = routes.Current;
            var running = config.Clusters.Where(c => c.Destinations is { Count: > 0 }).Select(c => c.ClusterId)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            return [.. Services.Where(running.Contains)];
        }
    }

    /// <summary>The document of <paramref name="service"/> (any case), from memory or fetched now.</summary>
    public async Task<DocumentLookup> GetAsync(string service, CancellationToken cancellationToken)
    {
        // Only configured names are fetched: the path segment never chooses an arbitrary host.
        var name = Services.FirstOrDefault(s => string.Equals(s, service, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return new DocumentLookup(DocumentStatus.UnknownService, service);
        }
        if (Fresh(name) is { } cached)
        {
            return new DocumentLookup(DocumentStatus.Found, name, cached);
        }
        // One fetch per service at a time: callers arriving meanwhile get its result.
        var gate = _fetching.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(name) is { } fetchedMeanwhile)
            {
                return new DocumentLookup(DocumentStatus.Found, name, fetchedMeanwhile);
            }
            var document = await FetchAsync(name, cancellationToken);
            if (document is null)
            {
                return new DocumentLookup(DocumentStatus.Unavailable, name);
            }
            var cacheFor = TimeSpan.FromSeconds(settings.CurrentValue.CacheSeconds);
            _cache[name] = new CachedDocument(document, time.GetUtcNow() + cacheFor);
            return new DocumentLookup(DocumentStatus.Found, name, (JsonObject)document.DeepClone());
        }
        finally
        {
            gate.Release();
        }
    }

    private JsonObject? Fresh(string service) =>
        _cache.TryGetValue(service, out var cached) && cached.Expires > time.GetUtcNow()
            ? (JsonObject)cached.Document.DeepClone()
            : null;

    private async Task<JsonObject?> FetchAsync(string service, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.CurrentValue.TimeoutSeconds));
        try
        {
            var http = clients.CreateClient(HttpClientName);
            using var response = await http.GetAsync(new Uri($"http://{service}{OpenApiDefaults.DocumentPath}"), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(service, $"HTTP {(int)response.StatusCode}");
                return null;
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var document = await JsonNode.ParseAsync(body, cancellationToken: timeout.Token) as JsonObject;
            if (document?["openapi"] is not JsonValue version
                || !version.TryGetValue<string>(out var text)
                || !text.StartsWith("3.", StringComparison.Ordinal))
            {
                LogUnavailable(service, "the answer is not an OpenAPI 3 document");
                return null;
            }
            return document;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(service, ex is OperationCanceledException ? "timed out" : ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API document of {Service} unavailable: {Reason}")]
    private partial void LogUnavailable(string service, string reason);

    private sealed record CachedDocument(JsonObject Document, DateTimeOffset Expires);
}
