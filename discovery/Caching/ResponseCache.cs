using System.Collections.Concurrent;
using System.IO.Compression;
using EStore.Discovery.Endpoints;
using EStore.Discovery.Registry;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Caching;

/// <summary>The registry documents the cache holds.</summary>
public enum CachedDocument
{
    /// <summary><c>GET apps</c>.</summary>
    AllApps,

    /// <summary><c>GET apps/delta</c>.</summary>
    Delta,

    /// <summary><c>GET apps/{app}</c>.</summary>
    Application,

    /// <summary><c>GET vips/{vip}</c>.</summary>
    Vip,

    /// <summary><c>GET svips/{svip}</c>.</summary>
    SecureVip,
}

/// <summary>One cache entry's identity.</summary>
/// <param name="Document">Which document.</param>
/// <param name="Name">App name (upper case) or VIP address; empty for the whole registry and the delta.</param>
/// <param name="Format">JSON or XML.</param>
public readonly record struct CacheKey(CachedDocument Document, string Name, ResponseFormat Format);

/// <summary>A serialised document, with its gzip form made on first demand.</summary>
public sealed class CachedResponse
{
    private readonly Lazy<byte[]> _gzip;

    internal CachedResponse(int statusCode, byte[] body, long stamp, long builtAt, long validUntil)
    {
        StatusCode = statusCode;
        Body = body;
        Stamp = stamp;
        BuiltAt = builtAt;
        ValidUntil = validUntil;
        _gzip = new Lazy<byte[]>(() => Compress(body), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>200, or 404 for an application that has no instances.</summary>
    public int StatusCode { get; }

    /// <summary>The uncompressed body (empty for a 404).</summary>
    public byte[] Body { get; }

    /// <summary>The gzip-compressed body.</summary>
    public byte[] GzipBody => _gzip.Value;

    internal long Stamp { get; }

    internal long BuiltAt { get; }

    internal long ValidUntil { get; }

    private static byte[] Compress(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }
        return output.ToArray();
    }
}

/// <summary>
/// Eureka's response cache: serialised registry documents, so that many clients polling an
/// unchanged registry cost a dictionary lookup each. The read-write layer checks each entry
/// against the registry's change counter (so a change invalidates every document it affects
/// at once, without a window where a stale copy could be stored back) and rebuilds entries older
/// than <c>AutoExpirationSeconds</c>. The optional read-only layer copies the read-write one
/// on a timer, exactly like Eureka's <c>useReadOnlyResponseCache</c>.
/// </summary>
public sealed partial class ResponseCache : IDisposable
{
    // Keys come from request paths (app names, VIPs): bounded so that random names cannot fill memory.
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<CacheKey, CachedResponse> _readWrite = new();
    private readonly ConcurrentDictionary<CacheKey, CachedResponse> _readOnly = new();
    private readonly InstanceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly long _autoExpirationMs;
    private readonly ITimer? _readOnlyRefresh;
    private readonly ILogger<ResponseCache> _logger;
    private long _hits;
    private long _misses;

    /// <summary>Creates the cache (and the read-only refresh timer when configured).</summary>
    public ResponseCache(InstanceRegistry registry, TimeProvider time, IOptions<DiscoveryServerOptions> options, ILogger<ResponseCache> logger)
    {
        _registry = registry;
        _logger = logger;
        _time = time;
        var settings = options.Value.ResponseCache;
        _autoExpirationMs = Math.Max(1, settings.AutoExpirationSeconds) * 1000L;
        if (settings.UseReadOnlyCache)
        {
            var interval = TimeSpan.FromSeconds(Math.Max(1, settings.ReadOnlyUpdateIntervalSeconds));
            _readOnlyRefresh = time.CreateTimer(_ => RefreshReadOnly(), null, interval, interval);
        }
    }

    /// <summary>Requests answered from a cached entry.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Requests that (re)built an entry.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The current document for <paramref name="key"/>.</summary>
    public CachedResponse Get(CacheKey key)
    {
        if (_readOnlyRefresh is null)
        {
            return GetReadWrite(key);
        }
        if (_readOnly.TryGetValue(key, out var published))
        {
            Interlocked.Increment(ref _hits);
            return published;
        }
        var current = GetReadWrite(key);
        return current.StatusCode == StatusCodes.Status200OK && _readOnly.Count < MaxEntries ? _readOnly.GetOrAdd(key, current) : current;
    }

    /// <summary>Stops the read-only refresh timer.</summary>
    public void Dispose() => _readOnlyRefresh?.Dispose();

    private CachedResponse GetReadWrite(CacheKey key)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var stamp = CurrentStamp(key);
        if (_readWrite.TryGetValue(key, out var entry) && entry.Stamp == stamp && now < entry.ValidUntil && now - entry.BuiltAt < _autoExpirationMs)
        {
            Interlocked.Increment(ref _hits);
            return entry;
        }
        Interlocked.Increment(ref _misses);
        // The stamp was read before the snapshot: a change in between leaves this entry stale, never wrong.
        var built = Build(key, stamp, now);
        // A 404 (an app that is not there) is cheap to answer and not worth a slot.
        if (built.StatusCode == StatusCodes.Status200OK && (_readWrite.Count < MaxEntries || _readWrite.ContainsKey(key)))
        {
            _readWrite[key] = built;
        }
        return built;
    }

    private long CurrentStamp(CacheKey key) =>
        key.Document == CachedDocument.Application ? _registry.AppVersion(key.Name) : _registry.Version;

    private CachedResponse Build(CacheKey key, long stamp, long now)
    {
        switch (key.Document)
        {
            case CachedDocument.Application:
                var instances = _registry.GetApplication(key.Name);
                return instances is null
                    ? new CachedResponse(StatusCodes.Status404NotFound, [], stamp, now, long.MaxValue)
                    : new CachedResponse(StatusCodes.Status200OK, RegistryDocuments.Application(key.Name, instances, key.Format), stamp, now, long.MaxValue);
            default:
                var snapshot = key.Document switch
                {
                    CachedDocument.AllApps => _registry.GetApplications(),
                    CachedDocument.Delta => _registry.GetDelta(),
                    CachedDocument.Vip => _registry.GetByVipAddress(key.Name, secure: false),
                    _ => _registry.GetByVipAddress(key.Name, secure: true),
                };
                return new CachedResponse(StatusCodes.Status200OK, RegistryDocuments.Applications(snapshot, key.Format), stamp, now, snapshot.ValidUntil);
        }
    }

    private void RefreshReadOnly()
    {
        try
        {
            foreach (var key in _readOnly.Keys)
            {
                _readOnly[key] = GetReadWrite(key);
            }
        }
        catch (Exception ex)
        {
            // A timer callback must not throw (it would end the process); the next tick tries again.
            LogRefreshFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the read-only response cache failed")]
    private partial void LogRefreshFailed(Exception exception);
}
