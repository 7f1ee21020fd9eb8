using System.Security.Cryptography;
using System.Text;
using EStore.Identity.Data;
using EStore.Identity.Dtos;
using EStore.Platform.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Identity.Services;

/// <summary>
/// The signing keys as this instance knows them: read from the database (so every instance sees keys that
/// another created), private keys unprotected only for keys that sign. Reloaded every
/// <see cref="ReloadInterval"/>, after a rotation here, and when a token names an unknown <c>kid</c>.
/// </summary>
public sealed partial class SigningKeyStore(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    TimeProvider time,
    ILogger<SigningKeyStore> logger)
{
    /// <summary>The Data Protection purpose of private keys; changing it orphans every stored key.</summary>
    public const string ProtectionPurpose = "EStore.Identity.SigningKeys.v1";

    private static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    private readonly IDataProtector _protector = protection.CreateProtector(ProtectionPurpose);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The public keys currently published (including keys waiting to activate and retired ones still in use).</summary>
    public SigningKeySet PublishedKeys => _snapshot.Published;

    /// <summary>When the keys were last read.</summary>
    public DateTimeOffset LoadedAt => _snapshot.Published.LoadedAt;

    /// <summary>The key that signs tokens issued now.</summary>
    /// <exception cref="InvalidOperationException">No key is active (the startup initializer creates one).</exception>
    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken)
    {
        var snapshot = await GetFreshAsync(cancellationToken);
        var key = snapshot.SigningKeyAt(time.GetUtcNow().UtcDateTime);
        if (key is null)
        {
            // Another instance may have rotated since the last read.
            snapshot = await ReloadAsync(cancellationToken);
            key = snapshot.SigningKeyAt(time.GetUtcNow().UtcDateTime)
                ?? throw new InvalidOperationException("no signing key is active.");
        }
        return key.GetCredentials(_protector);
    }

    /// <summary>The JWKS document: <c>{"keys":[...]}</c> with every published key.</summary>
    public async Task<JsonWebKeySetDto> GetJwksAsync(CancellationToken cancellationToken)
    {
        var snapshot = await GetFreshAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebKeySetDto([.. snapshot.Keys.Where(k => k.IsPublishedAt(now)).Select(k => k.Jwk)]);
    }

    /// <summary>Reads the keys again unless that happened less than <paramref name="minimumAge"/> ago.</summary>
    public async Task<SigningKeySet> RefreshIfOlderThanAsync(TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (time.GetUtcNow() - snapshot.Published.LoadedAt < minimumAge)
        {
            return snapshot.Published;
        }
        return (await ReloadAsync(cancellationToken)).Published;
    }

    /// <summary>Reads the keys from the database now.</summary>
    public async Task<Snapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        var requestedAt = time.GetUtcNow();
        await _reload.WaitAsync(cancellationToken);
        try
        {
            // Callers that queued behind a reload share its result instead of reading again.
            if (_snapshot.Published.LoadedAt >= requestedAt)
            {
                return _snapshot;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            var rows = await db.SigningKeys.AsNoTracking().OrderBy(k => k.ActivatesAt).ToListAsync(cancellationToken);
            var previous = _snapshot.Keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
            // Keep already-loaded keys: their unprotected RSA and cached signature providers stay warm.
            var keys = rows.Select(row => previous.TryGetValue(row.Id, out var known) && known.Matches(row) ? known : new LoadedKey(row)).ToList();
            var now = time.GetUtcNow();
            var snapshot = new Snapshot(keys, new SigningKeySet(keys.Where(k => k.IsPublishedAt(now.UtcDateTime)).Select(k => k.PublicKey), now));
            if (!previous.Keys.Order().SequenceEqual(keys.Select(k => k.Id).Order()))
            {
                LogKeysLoaded(string.Join(", ", keys.Select(k => k.Id)));
            }
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _reload.Release();
        }
    }

    private Task<Snapshot> GetFreshAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        return time.GetUtcNow() - snapshot.Published.LoadedAt < ReloadInterval ? Task.FromResult(snapshot) : ReloadAsync(cancellationToken);
    }

    /// <summary>Makes Data Protection load (or create) its key ring now.</summary>
    internal void EnsureKeyRing() => _protector.Protect([0]);

    /// <summary>A new RSA-2048 key row (not yet saved), its private key protected.</summary>
    internal SigningKey CreateKey(DateTime now, DateTime activatesAt)
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        return new SigningKey
        {
            Id = Thumbprint(parameters),
            Algorithm = TokenClaims.Algorithm,
            PublicKey = rsa.ExportSubjectPublicKeyInfo(),
            ProtectedPrivateKey = _protector.Protect(rsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
            ActivatesAt = activatesAt,
        };
    }

    /// <summary>RFC 7638 JWK thumbprint: the <c>kid</c> is derived from the key, so it can never point at another key.</summary>
    internal static string Thumbprint(RSAParameters parameters)
    {
        var canonical = $"{{\"e\":\"{Base64UrlEncoder.Encode(parameters.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64UrlEncoder.Encode(parameters.Modulus)}\"}}";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing keys: [{KeyIds}]")]
    private partial void LogKeysLoaded(string keyIds);

    /// <summary>The keys of one read.</summary>
    public sealed record Snapshot(IReadOnlyList<LoadedKey> Keys, SigningKeySet Published)
    {
        public static Snapshot Empty { get; } = new([], SigningKeySet.Empty);

        /// <summary>The newest key that is active at <paramref name="now"/>.</summary>
        public LoadedKey? SigningKeyAt(DateTime now) =>
            Keys.Where(k => k.ActivatesAt <= now && (k.RetiredAt is null || k.RetiredAt > now)).MaxBy(k => k.ActivatesAt);
    }

    /// <summary>One key: public parts always, the private key unprotected on first use.</summary>
    public sealed class LoadedKey
    {
        private readonly byte[] _protectedPrivateKey;
        private SigningCredentials? _credentials;

        internal LoadedKey(SigningKey row)
        {
            Id = row.Id;
            ActivatesAt = row.ActivatesAt;
            RetiredAt = row.RetiredAt;
            ExpiresAt = row.ExpiresAt;
            _protectedPrivateKey = row.ProtectedPrivateKey;
            var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(row.PublicKey, out _);
            var parameters = rsa.ExportParameters(false);
            PublicKey = new RsaSecurityKey(rsa) { KeyId = row.Id };
            Jwk = new JsonWebKeyDto("RSA", "sig", TokenClaims.Algorithm, row.Id, Base64UrlEncoder.Encode(parameters.Modulus), Base64UrlEncoder.Encode(parameters.Exponent));
        }

        public string Id { get; }
        public DateTime ActivatesAt { get; }
        public DateTime? RetiredAt { get; }
        public DateTime? ExpiresAt { get; }
        public RsaSecurityKey PublicKey { get; }
        public JsonWebKeyDto Jwk { get; }

        public bool IsPublishedAt(DateTime now) => ExpiresAt is null || ExpiresAt > now;

        internal bool Matches(SigningKey row) => row.ActivatesAt == ActivatesAt && row.RetiredAt == RetiredAt && row.ExpiresAt == ExpiresAt;

        internal SigningCredentials GetCredentials(IDataProtector protector)
        {
            if (_credentials is { } credentials)
            {
                return credentials;
            }
            var rsa = RSA.Create();
            var pkcs8 = protector.Unprotect(_protectedPrivateKey);
            try
            {
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
            return _credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = Id }, SecurityAlgorithms.RsaSha256);
        }
    }
}
