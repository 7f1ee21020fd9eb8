using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Identity.Services;

/// <summary>
/// Opaque secrets (refresh, verification and reset tokens): 256 random bits, handed out once, stored as
/// SHA-256. Their entropy makes a salt or a slow hash unnecessary: guessing is infeasible either way.
/// </summary>
public static class SecretTokens
{
    // Anything longer than a base64url-encoded 32 bytes (43 chars) is not one of ours.
    private const int MaxLength = 128;

    public static string Create() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True for a plausible token (short enough to hash, nothing but base64url characters).</summary>
    public static bool IsWellFormed(string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= MaxLength && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
