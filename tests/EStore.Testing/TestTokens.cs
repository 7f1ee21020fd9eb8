using System.Security.Cryptography;
using System.Text.Json;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Testing;

/// <summary>
/// Stands in for identity-service: a test RSA key, its JWKS served on 127.0.0.1, and access tokens signed with it.
/// </summary>
public sealed class TestTokens : IAsyncDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly WebApplication _jwks;

    private TestTokens(WebApplication jwks, SigningCredentials credentials)
    {
        _jwks = jwks;
        _credentials = credentials;
    }

    public Uri JwksUrl => new(new Uri(_jwks.Urls.Single()), ".well-known/jwks.json");

    public static async Task<TestTokens> StartAsync()
    {
        var rsa = RSA.Create(2048);
        var kid = $"test-{Guid.NewGuid():N}";
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256);
        var parameters = rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        await app.StartAsync();
        return new TestTokens(app, credentials);
    }

    /// <summary>A valid access token for <paramref name="userId"/> with the given roles.</summary>
    public string For(Guid userId, string[] roles, bool emailVerified = true, string? email = null) =>
        Handler.CreateToken(JsonSerializer.Serialize(Claims(userId, roles, emailVerified, email)), _credentials, AccessTokenHeader());

    /// <summary>
    /// A customer's access token with its claims changed by <paramref name="change"/>, signed with this key
    /// or with <paramref name="signedBy"/> (see <see cref="StrangerKey"/>).
    /// </summary>
    public string With(Guid userId, Action<Dictionary<string, object>> change, SigningCredentials? signedBy = null)
    {
        var claims = CustomerClaims(userId);
        change(claims);
        return Handler.CreateToken(JsonSerializer.Serialize(claims), signedBy ?? _credentials, AccessTokenHeader());
    }

    /// <summary>A customer's token, correctly signed, whose header says <c>typ</c> <paramref name="type"/>.</summary>
    public string WithType(Guid userId, string type) =>
        Handler.CreateToken(JsonSerializer.Serialize(CustomerClaims(userId)), _credentials, new Dictionary<string, object> { ["typ"] = type });

    /// <summary>A customer's token with <c>"alg": "none"</c> and no signature, naming this key's <c>kid</c>.</summary>
    public string Unsigned(Guid userId)
    {
        var header = JsonSerializer.Serialize(new { alg = "none", typ = TokenClaims.AccessTokenType, kid = _credentials.Key.KeyId });
        var payload = JsonSerializer.Serialize(CustomerClaims(userId));
        return $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}.";
    }

    /// <summary>
    /// A customer's token signed with HS256, keyed by this key's public modulus and naming its <c>kid</c>:
    /// the algorithm-confusion forgery that works against validators trusting the token's <c>alg</c>.
    /// </summary>
    public string HmacWithPublicKey(Guid userId)
    {
        var rsa = ((RsaSecurityKey)_credentials.Key).Rsa;
        var secret = new SymmetricSecurityKey(rsa.ExportParameters(false).Modulus) { KeyId = _credentials.Key.KeyId };
        var claims = JsonSerializer.Serialize(CustomerClaims(userId));
        return Handler.CreateToken(claims, new SigningCredentials(secret, SecurityAlgorithms.HmacSha256), AccessTokenHeader());
    }

    /// <summary>A fresh RSA key that no JWKS publishes: what another issuer would sign with.</summary>
    public static SigningCredentials StrangerKey() =>
        new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = $"stranger-{Guid.NewGuid():N}" }, SecurityAlgorithms.RsaSha256);

    private static Dictionary<string, object> AccessTokenHeader() => new() { ["typ"] = TokenClaims.AccessTokenType };

    private static Dictionary<string, object> CustomerClaims(Guid userId) => Claims(userId, ["customer"], true, null);

    private static Dictionary<string, object> Claims(Guid userId, string[] roles, bool emailVerified, string? email)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["iss"] = JwtSettings.DefaultIssuer,
            ["aud"] = JwtSettings.DefaultAudience,
            ["sub"] = userId.ToString(),
            ["email"] = email ?? $"user-{userId:N}@example.test",
            ["email_verified"] = emailVerified,
            ["role"] = roles,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(15).ToUnixTimeSeconds(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _jwks.StopAsync();
        await _jwks.DisposeAsync();
    }
}
