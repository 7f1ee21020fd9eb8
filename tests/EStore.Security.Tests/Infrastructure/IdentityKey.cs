using System.Security.Cryptography;
using System.Text.Json;
using EStore.Platform.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace EStore.Security.Tests.Infrastructure;

/// <summary>
/// identity-service's own signing key, read as identity-service reads it (the newest active row of <c>signing_keys</c>,
/// its private key opened with the Data Protection key ring the mesh keeps in <see cref="SecurityMesh.IdentityKeysFolder"/>).
/// Tokens signed with it are genuine in every respect but the one claim a test changes, so a refusal proves that claim
/// is checked.
/// </summary>
public sealed class IdentityKey
{
    private const string ProtectionPurpose = "EStore.Identity.SigningKeys.v1";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;

    private IdentityKey(SigningCredentials credentials) => _credentials = credentials;

    public static async Task<IdentityKey> LoadAsync(SecurityMesh mesh)
    {
        await using var connection = new NpgsqlConnection(mesh.DatabaseOf("identity-service"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "Id", "ProtectedPrivateKey" FROM signing_keys WHERE "ActivatesAt" <= now() AND ("RetiredAt" IS NULL OR "RetiredAt" > now()) ORDER BY "ActivatesAt" DESC LIMIT 1""",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "identity-service has an active signing key");
        var kid = reader.GetString(0);
        var protectedKey = (byte[])reader[1];
        var protector = DataProtectionProvider.Create(new DirectoryInfo(mesh.IdentityKeysFolder), b => b.SetApplicationName("EStore.Identity"))
            .CreateProtector(ProtectionPurpose);
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(protector.Unprotect(protectedKey), out _);
        return new IdentityKey(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256));
    }

    /// <summary>
    /// A customer's access token for <paramref name="userId"/> as identity-service issues it, with its claims changed by
    /// <paramref name="change"/>, signed with the real key (or <paramref name="signedBy"/>).
    /// </summary>
    public string Token(Guid userId, Action<Dictionary<string, object>>? change = null, SigningCredentials? signedBy = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = JwtSettings.DefaultIssuer,
            ["aud"] = JwtSettings.DefaultAudience,
            ["sub"] = userId.ToString(),
            ["email"] = $"user-{userId:N}@example.test",
            ["email_verified"] = true,
            ["role"] = "customer",
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        return Handler.CreateToken(JsonSerializer.Serialize(claims), signedBy ?? _credentials,
            new Dictionary<string, object> { ["typ"] = TokenClaims.AccessTokenType });
    }

    /// <summary>The same token with <c>"alg": "none"</c> and no signature, naming the real <c>kid</c>.</summary>
    public string Unsigned(Guid userId)
    {
        var signed = Token(userId);
        var header = JsonSerializer.Serialize(new { alg = "none", typ = TokenClaims.AccessTokenType, kid = _credentials.Key.KeyId });
        return $"{Base64UrlEncoder.Encode(header)}.{signed.Split('.')[1]}.";
    }

    /// <summary>HS256 keyed by the real key's public modulus (the algorithm-confusion forgery), naming the real <c>kid</c>.</summary>
    public string HmacWithPublicKey(Guid userId)
    {
        var modulus = ((RsaSecurityKey)_credentials.Key).Rsa.ExportParameters(false).Modulus!;
        return Token(userId, signedBy: new SigningCredentials(new SymmetricSecurityKey(modulus) { KeyId = _credentials.Key.KeyId }, SecurityAlgorithms.HmacSha256));
    }
}
