using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EStore.Platform.Security;

/// <summary>
/// AES-256-GCM sealing of a short secret under a 32-byte key from settings, with associated data that binds the sealed
/// value to its place (a purpose, the record it belongs to): a value copied elsewhere does not open. Format
/// <c>v1.</c> + base64url(nonce[12] ‖ ciphertext ‖ tag[16]); the prefix names the format so a later version can be
/// opened side by side. <see cref="KeyId"/> names a key without revealing it, so a value stored with its key's id can be
/// opened after a rotation by the key it was sealed with.
/// </summary>
public static class SecretSeal
{
    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeySize = 32;

    private const string Version1 = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Parses a base64-encoded 32-byte key; null when <paramref name="text"/> is not one.</summary>
    /// <param name="text">The configured value.</param>
    /// <returns>The key bytes, or null.</returns>
    public static byte[]? ParseKey(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var buffer = new byte[KeySize + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == KeySize ? buffer[..KeySize] : null;
    }

    /// <summary>
    /// A short public name of <paramref name="key"/>: the first 8 bytes of its SHA-256 as 16 hex digits. Stored beside a
    /// sealed value, it says which key opens it.
    /// </summary>
    /// <param name="key">The 32-byte key.</param>
    /// <returns>16 lower-case hex digits.</returns>
    public static string KeyId(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    /// <summary>Encrypts and authenticates <paramref name="secret"/> together with <paramref name="associatedData"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="associatedData">What the value is bound to (not stored; the opener gives the same).</param>
    /// <param name="secret">The plain secret.</param>
    /// <returns>The sealed value, <c>v1.</c> followed by base64url.</returns>
    public static string Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        CheckKey(key);
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), associatedData);
        CryptographicOperations.ZeroMemory(plain);
        return Version1 + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Opens a value made by <see cref="Seal"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="associatedData">What the value was bound to when sealed.</param>
    /// <param name="sealedValue">The sealed value.</param>
    /// <param name="maxLength">Longer values are not ours and are not decoded.</param>
    /// <param name="secret">The plain secret when the result is true.</param>
    /// <returns>False for a wrong key or associated data, a tampered or malformed value, or an unknown version.</returns>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, string? sealedValue, int maxLength, out string secret)
    {
        CheckKey(key);
        secret = "";
        if (sealedValue is null || sealedValue.Length > maxLength || !sealedValue.StartsWith(Version1, StringComparison.Ordinal))
        {
            return false;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(sealedValue.AsSpan(Version1.Length));
        }
        catch (FormatException)
        {
            return false;
        }
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return false;
        }
        var cipherLength = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, cipherLength),
                sealedBytes.AsSpan(NonceSize + cipherLength), plain, associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        secret = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return true;
    }

    /// <summary>The length of the sealed value of a secret of <paramref name="secretBytes"/> UTF-8 bytes.</summary>
    /// <param name="secretBytes">The secret's length in UTF-8 bytes.</param>
    /// <returns>Characters of the sealed value.</returns>
    public static int SealedLength(int secretBytes) => Version1.Length + Base64Url.GetEncodedLength(NonceSize + secretBytes + TagSize);

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        }
    }
}
