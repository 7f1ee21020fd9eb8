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
    public string For(Guid userId, string[] roles, bool emailVerified = true, string? email = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
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
        return Handler.CreateToken(JsonSerializer.Serialize(claims), _credentials, new Dictionary<string, object> { ["typ"] = TokenClaims.AccessTokenType });
    }

    public async ValueTask DisposeAsync()
    {
        await _jwks.StopAsync();
        await _jwks.DisposeAsync();
    }
}
