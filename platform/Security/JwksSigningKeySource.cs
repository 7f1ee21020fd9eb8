using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Security;

/// <summary>
/// Reads identity-service's <c>/.well-known/jwks.json</c> (through discovery unless <c>Jwt:JwksUrl</c>
/// names another address) and caches it. Unknown <c>kid</c>s trigger a fetch at most once per
/// <see cref="JwtSettings.JwksMinRefreshInterval"/>, so a flood of forged tokens cannot flood identity-service;
/// old keys are refetched in the background while the cached ones keep working.
/// </summary>
internal sealed partial class JwksSigningKeySource(
    IHttpClientFactory httpClients,
    JwtSettings settings,
    TimeProvider time,
    ILogger<JwksSigningKeySource> logger) : IJwtSigningKeySource
{
    /// <summary>Name of the discovery-aware HttpClient.</summary>
    public const string HttpClientName = "EStore.Security.Jwks";

    // Keys shorter than this are refused (RFC 7518 §3.3 requires 2048 bits for RS256).
    private const int MinimumModulusBits = 2048;

    // While no keys were ever loaded, a failed fetch is retried at most this often.
    private static readonly TimeSpan FirstLoadRetry = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private volatile SigningKeySet _current = SigningKeySet.Empty;
    private Task<SigningKeySet>? _inflight;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private Exception? _lastError;

    public SigningKeySet Current => _current;

    public async ValueTask<SigningKeySet> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var current = _current;
        var now = time.GetUtcNow();
        if (current.IsLoaded && current.TryGet(keyId, out _))
        {
            if (now - current.LoadedAt >= settings.JwksRefreshInterval)
            {
                // Stale but usable: refresh without making this request wait (failures are logged).
                lock (_gate)
                {
                    StartRefreshLocked(now).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                }
            }
            return current;
        }

        var minimum = current.IsLoaded ? settings.JwksMinRefreshInterval : FirstLoadRetry;
        Task<SigningKeySet>? refresh;
        lock (_gate)
        {
            refresh = _inflight ?? (now - _lastAttempt >= minimum ? StartRefreshLocked(now) : null);
        }
        if (refresh is null)
        {
            return current.IsLoaded
                ? current
                : throw new SigningKeysUnavailableException($"the signing keys at {settings.JwksUrl} could not be loaded: {_lastError?.Message}", _lastError);
        }
        try
        {
            return await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _current.IsLoaded)
        {
            return _current;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SigningKeysUnavailableException)
        {
            throw new SigningKeysUnavailableException($"the signing keys at {settings.JwksUrl} could not be loaded: {ex.Message}", ex);
        }
    }

    // Single flight: concurrent requests with an unknown kid share one fetch. Call under _gate.
    private Task<SigningKeySet> StartRefreshLocked(DateTimeOffset now)
    {
        if (_inflight is { } running)
        {
            return running;
        }
        _lastAttempt = now;
        return _inflight = FetchAsync();
    }

    private async Task<SigningKeySet> FetchAsync()
    {
        // Off the caller's stack: the caller holds _gate, which the finally block below takes again.
        await Task.Yield();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var client = httpClients.CreateClient(HttpClientName);
            var document = await client.GetFromJsonAsync<JsonElement>(settings.JwksUrl, timeout.Token).ConfigureAwait(false);
            var keys = Parse(document);
            var set = new SigningKeySet(keys, time.GetUtcNow());
            var previous = _current;
            _current = set;
            _lastError = null;
            if (!previous.KeyIds.Order().SequenceEqual(set.KeyIds.Order()))
            {
                LogKeysLoaded(set.KeyIds.Count, string.Join(", ", set.KeyIds), settings.JwksUrl);
            }
            return set;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException or NotSupportedException or ArgumentException or CryptographicException)
        {
            _lastError = ex;
            LogFetchFailed(settings.JwksUrl, ex.Message);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _inflight = null;
            }
        }
    }

    /// <summary>The usable RS256 signature keys of a JWKS document; anything else is skipped.</summary>
    internal static List<SecurityKey> Parse(JsonElement document)
    {
        var keys = new List<SecurityKey>();
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("the document has no \"keys\" array.");
        }
        foreach (var jwk in array.EnumerateArray())
        {
            if (jwk.ValueKind != JsonValueKind.Object
                || Text(jwk, "kty") != "RSA"
                || Text(jwk, "use") is { } use && use != "sig"
                || Text(jwk, "alg") is { } alg && alg != TokenClaims.Algorithm
                || Text(jwk, "kid") is not { Length: > 0 } kid
                || Text(jwk, "n") is not { Length: > 0 } n
                || Text(jwk, "e") is not { Length: > 0 } e)
            {
                continue;
            }
            var modulus = Base64UrlEncoder.DecodeBytes(n);
            if (modulus.Length * 8 < MinimumModulusBits)
            {
                continue;
            }
            keys.Add(new RsaSecurityKey(new RSAParameters { Modulus = modulus, Exponent = Base64UrlEncoder.DecodeBytes(e) }) { KeyId = kid });
        }
        return keys;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} token signing key(s) [{KeyIds}] from {Url}")]
    private partial void LogKeysLoaded(int count, string keyIds, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the token signing keys from {Url}: {Error}")]
    private partial void LogFetchFailed(Uri url, string error);
}
