using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EStore.Identity.Services;
using EStore.Platform.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>Crafts the tokens an attacker (or a broken client) would present.</summary>
public static class TokenForge
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>identity-service's real signing credentials: only to build otherwise-invalid tokens.</summary>
    public static Task<SigningCredentials> RealKeyAsync(IdentityApp identity) =>
        identity.Services.GetRequiredService<SigningKeyStore>().GetSigningCredentialsAsync(CancellationToken.None);

    /// <summary>The claims of a normal access token for <paramref name="userId"/>, valid for 15 minutes from <paramref name="now"/>.</summary>
    public static Dictionary<string, object> Claims(Guid userId, DateTimeOffset now, params (string Name, object? Value)[] overrides)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = JwtSettings.DefaultIssuer,
            ["aud"] = JwtSettings.DefaultAudience,
            ["sub"] = userId.ToString(),
            ["email"] = "forged@example.test",
            ["email_verified"] = true,
            ["role"] = UserRoles.Customer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(15).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                claims.Remove(name);
            }
            else
            {
                claims[name] = value;
            }
        }
        return claims;
    }

    public static string Sign(IDictionary<string, object> claims, SigningCredentials credentials, string type = TokenClaims.AccessTokenType,
        IDictionary<string, object>? extraHeaders = null) =>
        Handler.CreateToken(JsonSerializer.Serialize(claims), credentials, new Dictionary<string, object>(extraHeaders ?? new Dictionary<string, object>())
        {
            ["typ"] = type,
        });

    /// <summary>An <c>alg: none</c> token (header spelled as given) with an empty signature.</summary>
    public static string Unsigned(IDictionary<string, object> claims, string alg, string? kid)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = TokenClaims.AccessTokenType };
        if (kid is not null)
        {
            header["kid"] = kid;
        }
        return $"{Encode(header.ToJsonString())}.{Encode(JsonSerializer.Serialize(claims))}.";
    }

    /// <summary>A fresh RSA key that claims to be <paramref name="kid"/>.</summary>
    public static SigningCredentials ImpostorKey(string kid) =>
        new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid }, SecurityAlgorithms.RsaSha256);

    /// <summary>HS256 keyed with the bytes of the real public key (the RS/HS confusion attack).</summary>
    public static SigningCredentials PublicKeyAsHmacSecret(string kid, string jwksJson)
    {
        var secret = Encoding.UTF8.GetBytes(jwksJson);
        return new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = kid }, SecurityAlgorithms.HmacSha256);
    }

    /// <summary>The token with one payload claim changed and the original signature kept.</summary>
    public static string Tamper(string token, string claim, JsonNode value)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload[claim] = value;
        return $"{parts[0]}.{Encode(payload.ToJsonString())}.{parts[2]}";
    }

    public static JsonObject Header(string token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!.AsObject();

    public static JsonObject Payload(string token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();

    private static string Encode(string json) => Base64UrlEncoder.Encode(json);
}
