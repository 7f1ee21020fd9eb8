using System.Text;
using System.Text.Json;
using EStore.Identity.Services;
using EStore.Platform.Hosting;
using EStore.Platform.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Identity.Tests;

/// <summary>The small rules, without a server.</summary>
public sealed class UnitTests
{
    private readonly PasswordPolicy _policy = new(new IdentitySettings());

    [Theory]
    [InlineData("correct horse battery staple", null)]
    [InlineData("zebra crossing", null)]
    [InlineData("😀😃😄😁😆😅😂🤣", null)]
    [InlineData("abcdefg", "at least 8")]
    [InlineData("PASSWORD1", "too common")]
    [InlineData("qwerty123", "too common")]
    [InlineData("jane.doe@example.test", "e-mail")]
    [InlineData("JANE.DOE", "e-mail")]
    public void Password_policy(string password, string? complaint)
    {
        var result = _policy.Check(password, "Jane.Doe@Example.test");
        if (complaint is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(complaint, result);
        }
    }

    [Theory]
    [InlineData("ann@example.test", true)]
    [InlineData("  ann@example.test ", true)]
    [InlineData("ann+tag@sub.example.test", true)]
    [InlineData("ann", false)]
    [InlineData("ann@", false)]
    [InlineData("@example.test", false)]
    [InlineData("ann@@example.test", false)]
    [InlineData("Ann <ann@example.test>", false)]
    [InlineData("ann@example.test\r\nBcc: x@example.test", false)]
    public void Email_syntax(string email, bool valid) => Assert.Equal(valid, EmailAddresses.IsValid(email));

    [Fact]
    public void Emails_normalise_to_trimmed_lower_case()
    {
        Assert.Equal("ann@example.test", EmailAddresses.Normalize(" Ann@EXAMPLE.test "));
        Assert.Equal("\u00e9lodie@example.test", EmailAddresses.Normalize("\u00c9LODIE@example.test"));
    }

    [Fact]
    public void The_kid_is_read_from_the_header_alone()
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"key-1\"}");
        Assert.Equal("key-1", ServiceJwtBearerEvents.ReadKeyId($"{header}.payload-not-read.sig"));
        Assert.Null(ServiceJwtBearerEvents.ReadKeyId("no-dots"));
        Assert.Null(ServiceJwtBearerEvents.ReadKeyId("%%%.x.y"));
        Assert.Null(ServiceJwtBearerEvents.ReadKeyId(Base64UrlEncoder.Encode("{\"kid\":7}") + ".x.y"));
        Assert.Null(ServiceJwtBearerEvents.ReadKeyId(Base64UrlEncoder.Encode("[1,2]") + ".x.y"));
        Assert.Null(ServiceJwtBearerEvents.ReadKeyId(new string('a', 5000) + ".x.y"));
    }

    [Fact]
    public void The_JWKS_parser_keeps_only_RS256_signature_keys_of_at_least_2048_bits()
    {
        var big = Base64UrlEncoder.Encode(new byte[256]);
        var small = Base64UrlEncoder.Encode(new byte[128]);
        var json = $$"""
            {"keys":[
              {"kty":"RSA","use":"sig","alg":"RS256","kid":"good","n":"{{big}}","e":"AQAB"},
              {"kty":"RSA","kid":"no-use-no-alg","n":"{{big}}","e":"AQAB"},
              {"kty":"RSA","use":"enc","kid":"encryption","n":"{{big}}","e":"AQAB"},
              {"kty":"RSA","alg":"RS512","kid":"other-alg","n":"{{big}}","e":"AQAB"},
              {"kty":"RSA","kid":"short","n":"{{small}}","e":"AQAB"},
              {"kty":"oct","kid":"symmetric","k":"c2VjcmV0"},
              {"kty":"RSA","n":"{{big}}","e":"AQAB"}
            ]}
            """;
        var keys = JwksSigningKeySource.Parse(JsonDocument.Parse(json).RootElement);
        Assert.Equal(["good", "no-use-no-alg"], keys.Select(k => k.KeyId));
        Assert.Throws<JsonException>(() => JwksSigningKeySource.Parse(JsonDocument.Parse("{\"nokeys\":1}").RootElement));
    }

    [Fact]
    public void Revocations_last_until_the_token_expires()
    {
        var clock = new Infrastructure.TestClock();
        var list = new TokenRevocationList(clock);
        list.Revoke("jti-1", clock.GetUtcNow().AddMinutes(15));
        list.Revoke("jti-old", clock.GetUtcNow().AddMinutes(-1));
        Assert.True(list.IsRevoked("jti-1"));
        Assert.False(list.IsRevoked("jti-old"));
        Assert.False(list.IsRevoked("jti-2"));
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(list.IsRevoked("jti-1"));
        list.Revoke("jti-3", clock.GetUtcNow().AddMinutes(1));
        Assert.Equal(1, list.Count);
    }

    [Fact]
    public void Secret_tokens_are_random_and_stored_as_hashes()
    {
        var a = SecretTokens.Create();
        Assert.NotEqual(a, SecretTokens.Create());
        Assert.True(SecretTokens.IsWellFormed(a));
        Assert.Equal(32, SecretTokens.Hash(a).Length);
        Assert.False(SecretTokens.IsWellFormed("has spaces"));
        Assert.False(SecretTokens.IsWellFormed(new string('a', 200)));
        Assert.NotEqual(Encoding.UTF8.GetBytes(a), SecretTokens.Hash(a));
    }

    [Fact]
    public void Jwt_settings_default_to_the_mesh_and_reject_nonsense()
    {
        var defaults = new ConfigurationBuilder().Build().GetValidatedOptions<JwtSettings>(JwtSettings.Section);
        Assert.Equal(new Uri(JwtSettings.DefaultJwksUrl), defaults.JwksUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.ClockSkew);
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [JwtSettings.ClockSkewKey] = "300" }).Build();
        Assert.Equal(JwtSettings.ClockSkewKey, Assert.Throws<StartupConfigurationException>(() => bad.GetValidatedOptions<JwtSettings>(JwtSettings.Section)).Key);
    }
}
