using System.Net;
using System.Text.Json;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary><c>/.well-known/jwks.json</c> and <c>/.well-known/openid-configuration</c>.</summary>
[Collection(IdentityCollection.Name)]
public sealed class WellKnownTests(IdentityStack stack)
{
    [Fact]
    public async Task The_JWKS_publishes_the_RSA_public_key_that_signs_tokens_and_nothing_private()
    {
        var tokens = await stack.Client.NewUserAsync();
        using var response = await stack.Identity.Http.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var keys = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys").EnumerateArray().ToList();
        var kid = TokenForge.Header(tokens.Tokens.AccessToken)["kid"]!.GetValue<string>();
        var key = Assert.Single(keys, k => k.GetProperty("kid").GetString() == kid);
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.Equal(256, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()).Length);
        foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.False(key.TryGetProperty(secret, out _), $"private member {secret} published");
        }
    }

    [Fact]
    public async Task The_discovery_document_names_the_issuer_and_the_keys()
    {
        var document = JsonDocument.Parse(await stack.Identity.Http.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(JwtSettings.DefaultIssuer, document.GetProperty("issuer").GetString());
        Assert.Equal(JwtSettings.DefaultJwksUrl, document.GetProperty("jwks_uri").GetString());
        Assert.Equal(["RS256"], document.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));
    }
}
