using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EStore.Identity.Tests;

/// <summary>
/// The services' validation (platform/Security's AddServiceAuthentication) against real identity-service
/// tokens and forged ones (reliability-security-perf.md JWT-01 to JWT-10, JWT-14, BFLA-01/02).
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class TokenValidationTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    private Task<HttpResponseMessage> ProbeAsync(string? token, string path = "/api/probe/me", string scheme = "Bearer")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}".TrimEnd());
        }
        return stack.Resource.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_real_access_token_is_accepted_and_describes_the_caller()
    {
        var (user, tokens) = await _client.NewUserAsync();
        using var response = await ProbeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var caller = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user.Id, caller.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, caller.GetProperty("email").GetString());
        Assert.Equal([UserRoles.Customer], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(caller.GetProperty("emailVerified").GetBoolean());

        using var accessor = await ProbeAsync(tokens.AccessToken, "/api/probe/accessor");
        Assert.Equal(user.Id, (await accessor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Anonymous_endpoints_stay_open_and_protected_ones_challenge_without_an_error_code()
    {
        using var open = await ProbeAsync(null, "/api/probe/open");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        using var missing = await ProbeAsync(null);
        await missing.AssertUnauthorizedAsync(tokenPresented: false);
        Assert.Null(Assert.Single(missing.Headers.WwwAuthenticate).Parameter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.AAAA")]
    public async Task Malformed_tokens_are_refused(string token)
    {
        using var response = await ProbeAsync(token);
        await response.AssertUnauthorizedAsync();
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task Unsigned_tokens_are_refused(string alg)
    {
        var (user, tokens) = await _client.NewUserAsync();
        var kid = TokenForge.Header(tokens.AccessToken)["kid"]!.GetValue<string>();
        using var response = await ProbeAsync(TokenForge.Unsigned(TokenForge.Claims(user.Id, DateTimeOffset.UtcNow), alg, kid));
        await response.AssertUnauthorizedAsync();
    }

    [Fact]
    public async Task A_changed_payload_with_the_original_signature_is_refused()
    {
        var (_, tokens) = await _client.NewUserAsync();
        var tampered = TokenForge.Tamper(tokens.AccessToken, "role", "admin");
        using var response = await ProbeAsync(tampered, "/api/probe/admin");
        await response.AssertUnauthorizedAsync();
    }

    [Fact]
    public async Task A_token_signed_by_another_key_under_the_real_kid_is_refused()
    {
        var (user, tokens) = await _client.NewUserAsync();
        var kid = TokenForge.Header(tokens.AccessToken)["kid"]!.GetValue<string>();
        var forged = TokenForge.Sign(TokenForge.Claims(user.Id, DateTimeOffset.UtcNow), TokenForge.ImpostorKey(kid));
        using var response = await ProbeAsync(forged);
        await response.AssertUnauthorizedAsync();
    }

    [Fact]
    public async Task HS256_keyed_with_the_public_key_is_refused()
    {
        var (user, tokens) = await _client.NewUserAsync();
        var kid = TokenForge.Header(tokens.AccessToken)["kid"]!.GetValue<string>();
        var jwks = await stack.Identity.Http.GetStringAsync("/.well-known/jwks.json");
        var forged = TokenForge.Sign(TokenForge.Claims(user.Id, DateTimeOffset.UtcNow), TokenForge.PublicKeyAsHmacSecret(kid, jwks));
        using var response = await ProbeAsync(forged);
        await response.AssertUnauthorizedAsync();
    }

    [Fact]
    public async Task Tokens_signed_with_the_real_key_but_wrong_claims_are_refused()
    {
        var key = await TokenForge.RealKeyAsync(stack.Identity);
        var user = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var cases = new (string Why, string Token)[]
        {
            ("control: all claims right", TokenForge.Sign(TokenForge.Claims(user, now), key)),
            ("wrong issuer", TokenForge.Sign(TokenForge.Claims(user, now, ("iss", "https://evil.example")), key)),
            ("audience of another service", TokenForge.Sign(TokenForge.Claims(user, now, ("aud", "payment-service")), key)),
            ("no audience", TokenForge.Sign(TokenForge.Claims(user, now, ("aud", null)), key)),
            ("no exp", TokenForge.Sign(TokenForge.Claims(user, now, ("exp", null)), key)),
            ("not yet valid", TokenForge.Sign(TokenForge.Claims(user, now, ("nbf", now.AddMinutes(10).ToUnixTimeSeconds())), key)),
            ("expired beyond the skew", TokenForge.Sign(TokenForge.Claims(user, now, ("exp", now.AddSeconds(-35).ToUnixTimeSeconds())), key)),
            ("no sub", TokenForge.Sign(TokenForge.Claims(user, now, ("sub", null)), key)),
            ("sub not a user id", TokenForge.Sign(TokenForge.Claims(user, now, ("sub", "admin")), key)),
            ("no jti", TokenForge.Sign(TokenForge.Claims(user, now, ("jti", null)), key)),
            ("typ JWT: an ID token or other token type", TokenForge.Sign(TokenForge.Claims(user, now), key, type: "JWT")),
            ("typ refresh", TokenForge.Sign(TokenForge.Claims(user, now), key, type: "refresh+jwt")),
        };
        foreach (var (why, token) in cases)
        {
            using var response = await ProbeAsync(token);
            if (why.StartsWith("control", StringComparison.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, why);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
                await response.AssertUnauthorizedAsync();
            }
        }
    }

    [Fact]
    public async Task Header_key_hints_are_ignored_and_never_fetched()
    {
        using var canary = new TcpListener(System.Net.IPAddress.Loopback, 0);
        canary.Start();
        var canaryUrl = $"http://127.0.0.1:{((System.Net.IPEndPoint)canary.LocalEndpoint).Port}/jwks.json";
        var attacker = TokenForge.ImpostorKey("attacker-key");
        var user = Guid.NewGuid();
        var claims = TokenForge.Claims(user, DateTimeOffset.UtcNow);
        var jwk = JsonSerializer.Deserialize<Dictionary<string, object>>(JsonSerializer.Serialize(
            Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey((Microsoft.IdentityModel.Tokens.RsaSecurityKey)attacker.Key)))!;
        var tokens = new[]
        {
            TokenForge.Sign(claims, attacker, extraHeaders: new Dictionary<string, object> { ["jku"] = canaryUrl }),
            TokenForge.Sign(claims, attacker, extraHeaders: new Dictionary<string, object> { ["x5u"] = canaryUrl }),
            TokenForge.Sign(claims, attacker, extraHeaders: new Dictionary<string, object> { ["jwk"] = jwk }),
            TokenForge.Sign(claims, TokenForge.ImpostorKey("../../../../dev/null")),
            TokenForge.Sign(claims, TokenForge.ImpostorKey("' OR '1'='1")),
        };
        foreach (var token in tokens)
        {
            using var response = await ProbeAsync(token);
            await response.AssertUnauthorizedAsync();
        }
        Assert.False(canary.Pending(), "the service connected to the URL named in a token header");
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_not_accepted()
    {
        var (_, tokens) = await _client.NewUserAsync();
        using var response = await stack.Resource.Http.GetAsync($"/api/probe/me?access_token={tokens.AccessToken}");
        await response.AssertUnauthorizedAsync(tokenPresented: false);
        using var otherScheme = await ProbeAsync(tokens.AccessToken, scheme: "Basic");
        await otherScheme.AssertUnauthorizedAsync(tokenPresented: true);
    }

    [Fact]
    public async Task Lifetime_is_checked_with_a_30_second_skew_on_the_service_clock()
    {
        var (_, tokens) = await _client.NewUserAsync();
        var clock = stack.Resource.Clock;
        var exp = DateTimeOffset.FromUnixTimeSeconds(TokenForge.Payload(tokens.AccessToken)["exp"]!.GetValue<long>());
        try
        {
            clock.Advance(exp - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20));
            using (var withinSkew = await ProbeAsync(tokens.AccessToken))
            {
                Assert.Equal(HttpStatusCode.OK, withinSkew.StatusCode);
            }
            clock.Advance(TimeSpan.FromSeconds(15));
            using (var expired = await ProbeAsync(tokens.AccessToken))
            {
                await expired.AssertUnauthorizedAsync();
            }
            clock.Reset();
            clock.Advance(TimeSpan.FromMinutes(-5));
            using (var notYetValid = await ProbeAsync(tokens.AccessToken))
            {
                await notYetValid.AssertUnauthorizedAsync();
            }
        }
        finally
        {
            clock.Reset();
        }
    }

    [Fact]
    public async Task A_token_accepted_before_and_remembered_is_still_refused_outside_its_lifetime()
    {
        var (_, tokens) = await _client.NewUserAsync();
        var clock = stack.Resource.Clock;
        var exp = DateTimeOffset.FromUnixTimeSeconds(TokenForge.Payload(tokens.AccessToken)["exp"]!.GetValue<long>());
        try
        {
            // The second request is answered from the validated-token cache.
            for (var i = 0; i < 2; i++)
            {
                using var accepted = await ProbeAsync(tokens.AccessToken);
                Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            }
            var options = stack.Resource.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
            Assert.True(Assert.IsType<CachingTokenHandler>(Assert.Single(options.TokenHandlers)).Count >= 1);
            clock.Advance(exp - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(35));
            using (var expired = await ProbeAsync(tokens.AccessToken))
            {
                await expired.AssertUnauthorizedAsync();
            }
            clock.Reset();
            using (var again = await ProbeAsync(tokens.AccessToken))
            {
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }
            clock.Advance(TimeSpan.FromMinutes(-5));
            using (var notYetValid = await ProbeAsync(tokens.AccessToken))
            {
                await notYetValid.AssertUnauthorizedAsync();
            }
        }
        finally
        {
            clock.Reset();
        }
    }

    [Fact]
    public async Task Roles_are_enforced_with_403()
    {
        var (_, customer) = await _client.NewUserAsync();
        using var admin = await ProbeAsync(customer.AccessToken, "/api/probe/admin");
        await admin.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var shop = await ProbeAsync(customer.AccessToken, "/api/probe/shop");
        await shop.AssertProblemAsync(HttpStatusCode.Forbidden);

        var root = await _client.AdminLoginAsync();
        using var allowed = await ProbeAsync(root.AccessToken, "/api/probe/admin");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_service_with_another_audience_or_issuer_refuses_the_token()
    {
        var (_, tokens) = await _client.NewUserAsync();
        await using (var payments = await ResourceApp.StartAsync(stack.Identity.JwksUrl, null, new Dictionary<string, string?> { ["Jwt:Audience"] = "payment-service" }))
        {
            payments.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            using var response = await payments.Http.GetAsync("/api/probe/me");
            await response.AssertUnauthorizedAsync();
        }
        await using (var elsewhere = await ResourceApp.StartAsync(stack.Identity.JwksUrl, null, new Dictionary<string, string?> { ["Jwt:Issuer"] = "https://login.elsewhere.example" }))
        {
            elsewhere.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            using var response = await elsewhere.Http.GetAsync("/api/probe/me");
            await response.AssertUnauthorizedAsync();
        }
    }

    [Fact]
    public async Task Without_reachable_keys_the_service_answers_503_not_401()
    {
        var (_, tokens) = await _client.NewUserAsync();
        var deadUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/.well-known/jwks.json");
        await using var orphan = await ResourceApp.StartAsync(deadUrl, null);
        orphan.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using var response = await orphan.Http.GetAsync("/api/probe/me");
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        using var open = await orphan.Http.GetAsync("/api/probe/open");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }
}
