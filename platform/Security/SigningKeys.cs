using System.Diagnostics.CodeAnalysis;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Security;

/// <summary>An immutable set of token-signing public keys by <c>kid</c>.</summary>
public sealed class SigningKeySet
{
    private readonly Dictionary<string, SecurityKey> _keys;

    /// <summary>Creates a set.</summary>
    /// <param name="keys">The keys; each must carry its <see cref="SecurityKey.KeyId"/>.</param>
    /// <param name="loadedAt">When the keys were read from their source.</param>
    public SigningKeySet(IEnumerable<SecurityKey> keys, DateTimeOffset loadedAt)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!string.IsNullOrEmpty(key.KeyId))
            {
                _keys[key.KeyId] = key;
            }
        }
        LoadedAt = loadedAt;
    }

    /// <summary>No keys, never loaded.</summary>
    public static SigningKeySet Empty { get; } = new([], DateTimeOffset.MinValue);

    /// <summary>When the keys were read; <see cref="DateTimeOffset.MinValue"/> when never.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>True once the set came from its source (it may still be empty).</summary>
    public bool IsLoaded => LoadedAt != DateTimeOffset.MinValue;

    /// <summary>The key ids.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Looks a key up by id.</summary>
    public bool TryGet(string? keyId, [NotNullWhen(true)] out SecurityKey? key)
    {
        key = null;
        return keyId is not null && _keys.TryGetValue(keyId, out key);
    }
}

/// <summary>
/// Where a process gets the public keys that access tokens are signed with. The default reads
/// identity-service's JWKS through discovery; identity-service reads its own key table.
/// </summary>
public interface IJwtSigningKeySource
{
    /// <summary>The keys known right now, for the synchronous part of validation.</summary>
    SigningKeySet Current { get; }

    /// <summary>
    /// Makes <see cref="Current"/> fit for a token signed with <paramref name="keyId"/>: loads the keys
    /// the first time, refreshes them when <paramref name="keyId"/> is unknown (rate-limited) or when
    /// they are old (in the background).
    /// </summary>
    /// <exception cref="SigningKeysUnavailableException">No keys were ever loaded and the source cannot be reached.</exception>
    ValueTask<SigningKeySet> GetKeysAsync(string? keyId, CancellationToken cancellationToken);
}

/// <summary>The signing keys could not be loaded at all: tokens cannot be checked (503, not 401).</summary>
public sealed class SigningKeysUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SigningKeysUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
