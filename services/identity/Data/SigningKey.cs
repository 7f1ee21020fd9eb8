namespace EStore.Identity.Data;

/// <summary>
/// An RSA key that signs access tokens. The private key is stored protected by ASP.NET Core Data
/// Protection; the public key is published in the JWKS from creation until <see cref="ExpiresAt"/>.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The <c>kid</c>: the key's RFC 7638 thumbprint.</summary>
    public required string Id { get; set; }

    /// <summary>Always <c>RS256</c>.</summary>
    public required string Algorithm { get; set; }

    /// <summary>The public key (SubjectPublicKeyInfo, DER).</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>The PKCS#8 private key, protected with Data Protection.</summary>
    public required byte[] ProtectedPrivateKey { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>From this time on the key signs new tokens (until a newer key activates).</summary>
    public DateTime ActivatesAt { get; set; }

    /// <summary>When a newer key took over signing; null while this is the newest key.</summary>
    public DateTime? RetiredAt { get; set; }

    /// <summary>When the last token this key signed has expired: the key leaves the JWKS and is deleted.</summary>
    public DateTime? ExpiresAt { get; set; }
}
