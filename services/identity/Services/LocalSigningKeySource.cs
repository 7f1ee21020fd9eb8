using EStore.Platform.Security;

namespace EStore.Identity.Services;

/// <summary>
/// identity-service validates its own tokens against its key table rather than its own JWKS endpoint:
/// no HTTP round trip, and no dependency on being registered in discovery yet.
/// </summary>
public sealed class LocalSigningKeySource(SigningKeyStore store) : IJwtSigningKeySource
{
    // An unknown kid (another instance rotated, or a forged token) reads the table at most this often.
    private static readonly TimeSpan UnknownKeyReload = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    public SigningKeySet Current => store.PublishedKeys;

    public async ValueTask<SigningKeySet> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var current = store.PublishedKeys;
        var known = current.TryGet(keyId, out _);
        return await store.RefreshIfOlderThanAsync(known ? StaleAfter : UnknownKeyReload, cancellationToken);
    }
}
