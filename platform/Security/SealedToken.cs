using System.Text;

namespace EStore.Platform.Security;

/// <summary>
/// Seals a single-use account token (e-mail verification, password reset) for its trip over the bus with
/// <see cref="SecretSeal"/> (AES-256-GCM) under a key only identity-service and notification-service hold
/// (<c>AccountTokens:EncryptionKey</c>), with the purpose and the event's user id as associated data, so a sealed value
/// copied into another user's or another purpose's event does not open. Format <c>v1.</c> + base64url(nonce[12] ‖
/// ciphertext ‖ tag[16]); the prefix names the format so a later version can be opened side by side.
/// </summary>
public static class SealedToken
{
    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeySize = SecretSeal.KeySize;

    /// <summary>Purpose of a verification token (part of the associated data).</summary>
    public const string EmailVerificationPurpose = "email-verification";

    /// <summary>Purpose of a password-reset token (part of the associated data).</summary>
    public const string PasswordResetPurpose = "password-reset";

    // A token is 43 base64url characters; anything far longer is not ours and is not decoded.
    private const int MaxSealedLength = 1024;

    /// <summary>Parses a base64-encoded 32-byte key; null when <paramref name="text"/> is not one.</summary>
    /// <param name="text">The configured value.</param>
    /// <returns>The key bytes, or null.</returns>
    public static byte[]? ParseKey(string? text) => SecretSeal.ParseKey(text);

    /// <summary>Encrypts and authenticates <paramref name="token"/> for <paramref name="userId"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="purpose"><see cref="EmailVerificationPurpose"/> or <see cref="PasswordResetPurpose"/>.</param>
    /// <param name="userId">The user the event is about (associated data).</param>
    /// <param name="token">The plain token.</param>
    /// <returns>The sealed value, <c>v1.</c> followed by base64url.</returns>
    public static string Seal(ReadOnlySpan<byte> key, string purpose, Guid userId, string token)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return SecretSeal.Seal(key, AssociatedData(purpose, userId), token);
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
        return SecretSeal.TryOpen(key, AssociatedData(purpose, userId), sealedToken, MaxSealedLength, out token);
    }

    private static byte[] AssociatedData(string purpose, Guid userId) =>
        Encoding.UTF8.GetBytes($"estore.account-token.v1|{purpose}|{userId:D}");
}
