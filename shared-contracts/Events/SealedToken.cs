using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EStore.Contracts.Events;

/// <summary>
/// Seals a single-use account token (e-mail verification, password reset) for its trip over the bus:
/// AES-256-GCM under a key only identity-service and notification-service hold
/// (<c>AccountTokens:EncryptionKey</c>), with the purpose and the event's user id as associated data, so a
/// sealed value copied into another user's or another purpose's event does not open. Format
/// <c>v1.</c> + base64url(nonce[12] ‖ ciphertext ‖ tag[16]); the prefix names the format so a later version
/// can be opened side by side.
/// </summary>
public static class SealedToken
{
    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeySize = 32;

    /// <summary>Purpose of a verification token (part of the associated data).</summary>
    public const string EmailVerificationPurpose = "email-verification";

    /// <summary>Purpose of a password-reset token (part of the associated data).</summary>
    public const string PasswordResetPurpose = "password-reset";

    private const string Version1 = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    // A token is 43 base64url characters; anything far longer is not ours and is not decoded.
    private const int MaxSealedLength = 1024;

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

    /// <summary>Encrypts and authenticates <paramref name="token"/> for <paramref name="userId"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="purpose"><see cref="EmailVerificationPurpose"/> or <see cref="PasswordResetPurpose"/>.</param>
    /// <param name="userId">The user the event is about (associated data).</param>
    /// <param name="token">The plain token.</param>
    /// <returns>The sealed value, <c>v1.</c> followed by base64url.</returns>
    public static string Seal(ReadOnlySpan<byte> key, string purpose, Guid userId, string token)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(token);
        CheckKey(key);
        var plain = Encoding.UTF8.GetBytes(token);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), AssociatedData(purpose, userId));
        CryptographicOperations.ZeroMemory(plain);
        return Version1 + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Opens a value made by <see cref="Seal"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="purpose">The purpose it was sealed for.</param>
    /// <param name="userId">The user id of the event that carried it.</param>
    /// <param name="sealedToken">The sealed value.</param>
    /// <param name="token">The plain token when the result is true.</param>
    /// <returns>False for a wrong key, purpose or user, a tampered or malformed value, or an unknown version.</returns>
    public static bool TryOpen(ReadOnlySpan<byte> key, string purpose, Guid userId, string? sealedToken, out string token)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        CheckKey(key);
        token = "";
        if (sealedToken is null || sealedToken.Length > MaxSealedLength || !sealedToken.StartsWith(Version1, StringComparison.Ordinal))
        {
            return false;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(sealedToken.AsSpan(Version1.Length));
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
                sealedBytes.AsSpan(NonceSize + cipherLength), plain, AssociatedData(purpose, userId));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        token = Encoding.UTF8.GetString(plain);
        return true;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        }
    }

    private static byte[] AssociatedData(string purpose, Guid userId) =>
        Encoding.UTF8.GetBytes($"estore.account-token.v1|{purpose}|{userId:D}");
}
