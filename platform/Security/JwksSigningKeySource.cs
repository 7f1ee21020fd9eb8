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
/// <para>
/// A fetched set never replaces the trusted keys at once: its new keys are added, a trusted key it lacks is retired
/// only once it has been missing for <see cref="JwtSettings.KeyRetirementGrace"/>, and a known <c>kid</c> keeps its
/// first key material. A set without a usable key, or one that does not parse, changes nothing. One bad answer
/// (a rogue or broken instance, an empty key table) therefore cannot lock every user out or swap the trust anchor.
/// </para>
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

    // Every trusted key by kid, with when it was first missing from a fetched set. Only FetchAsync (single flight) touches it.
    private readonly Dictionary<string, TrustedKey> _trusted = new(StringComparer.Ordinal);

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
            if (keys.Count == 0)
            {
                throw new JsonException("the document holds no usable RS256 signing key; the trusted keys stay as they are.");
            }
            var set = Merge(keys, time.GetUtcNow());
            _current = set;
            _lastError = null;
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

    // Adds the new keys, keeps known kids' first material, retires keys missing for longer than the grace.
    private SigningKeySet Merge(List<SecurityKey> fetched, DateTimeOffset now)
    {
        var fresh = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var key in fetched)
        {
            fresh.TryAdd(key.KeyId, key);
        }
        var added = new List<string>();
        foreach (var (kid, key) in fresh)
        {
            if (!_trusted.TryGetValue(kid, out var known))
            {
                _trusted[kid] = new TrustedKey(key, null);
                added.Add(kid);
                continue;
            }
            if (!SameMaterial(known.Key, key))
            {
                // identity-service never reuses a kid for new material: whoever serves this is not to be believed.
                LogConflictingKey(kid, settings.JwksUrl);
            }
            if (known.MissingSince is not null)
            {
                _trusted[kid] = known with { MissingSince = null };
            }
        }
        var retired = new List<string>();
        var missing = new List<string>();
        foreach (var (kid, known) in _trusted.ToList())
        {
            if (fresh.ContainsKey(kid))
            {
                continue;
            }
            var since = known.MissingSince ?? now;
            if (now - since >= settings.KeyRetirementGrace)
            {
                _trusted.Remove(kid);
                retired.Add(kid);
            }
            else
            {
                _trusted[kid] = known with { MissingSince = since };
                missing.Add(kid);
            }
        }
        if (added.Count > 0 || retired.Count > 0)
        {
            LogKeysChanged(string.Join(", ", added), string.Join(", ", retired), string.Join(", ", _trusted.Keys), settings.JwksUrl);
        }
        if (missing.Count > 0)
        {
            LogKeysMissing(string.Join(", ", missing), settings.JwksUrl, settings.KeyRetirementGrace.TotalSeconds);
        }
        return new SigningKeySet(_trusted.Values.Select(t => t.Key), now);
    }

    private static bool SameMaterial(SecurityKey a, SecurityKey b) =>
        a is RsaSecurityKey { Parameters: var x } && b is RsaSecurityKey { Parameters: var y }
            ? x.Modulus.AsSpan().SequenceEqual(y.Modulus) && x.Exponent.AsSpan().SequenceEqual(y.Exponent)
            : ReferenceEquals(a, b);

    private sealed record TrustedKey(SecurityKey Key, DateTimeOffset? MissingSince);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Token signing keys from {Url}: added [{Added}], retired [{Retired}], trusted now [{Trusted}]")]
    private partial void LogKeysChanged(string added, string retired, string trusted, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token signing key(s) [{KeyIds}] missing from {Url}: still trusted until missing for {GraceSeconds} s")]
    private partial void LogKeysMissing(string keyIds, Uri url, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Url} serves other key material under the trusted kid {KeyId}; the key first trusted stays")]
    private partial void LogConflictingKey(string keyId, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the token signing keys from {Url}: {Error}")]
    private partial void LogFetchFailed(Uri url, string error);
}
