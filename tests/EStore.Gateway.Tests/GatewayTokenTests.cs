using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static EStore.Gateway.Tests.GatewayClient;

namespace EStore.Gateway.Tests;

/// <summary>
/// What the gateway refuses, judged by gateway #3, which trusts the test's own signing key: every token
/// here is well formed and, unless the case is about the signature, correctly signed by a trusted key, so
/// each 401 proves the one check the case is named for. The echo service behind the route checks nothing.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class GatewayTokenTests(GatewayMeshFixture mesh)
{
    private static readonly Guid Customer = Guid.NewGuid();

    public static TheoryData<string> RefusedTokens() =>
    [
        "expired", "not yet valid", "no expiry", "wrong issuer", "wrong audience", "not an access token",
        "alg none", "key of another issuer", "hs256 keyed with the public key",
    ];

    [Fact]
    public async Task A_correctly_signed_current_token_passes_and_the_service_sees_its_subject()
    {
        using var response = await mesh.TestKeyGateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", mesh.Tokens.For(Customer, ["customer"])));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = new Dictionary<string, string>(await response.Content.ReadFromJsonAsync<Dictionary<string, string>>() ?? [], StringComparer.OrdinalIgnoreCase);
        Assert.Equal(Customer.ToString(), seen["X-User-Id"]);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Refused_token_is_401_invalid_token_with_a_problem_body(string kind)
    {
        using var response = await mesh.TestKeyGateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", Token(kind)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        // Why the token failed is for the logs, not for whoever holds the token.
        Assert.DoesNotContain("IDX", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_user_limit_counts_every_token_of_a_user_and_leaves_other_users_alone()
    {
        var flooder = Guid.NewGuid();
        var permits = GatewayMeshFixture.TestKeyGatewayPerUserPermits;
        for (var i = 0; i < permits; i++)
        {
            // A new token every time: the window belongs to the user, not to one token.
            using var allowed = await mesh.TestKeyGateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", mesh.Tokens.For(flooder, ["customer"])));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using (var limited = await mesh.TestKeyGateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", mesh.Tokens.For(flooder, ["customer"]))))
        {
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        }
        using var otherUser = await mesh.TestKeyGateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", mesh.Tokens.For(Guid.NewGuid(), ["customer"])));
        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
        using var anonymous = await mesh.TestKeyGateway.GetAsync("/api/echo-public/x");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_gets_its_own_window_and_an_untrusted_X_Forwarded_For_is_ignored()
    {
        // Gateway #3 trusts loopback as its proxy, so the test plays an ingress forwarding two clients.
        const string Flooder = "203.0.113.10";
        const string Neighbour = "203.0.113.11";
        for (var i = 0; i < GatewayMeshFixture.TestKeyGatewayPerUserPermits; i++)
        {
            using var allowed = await mesh.TestKeyGateway.SendAsync(Forwarded(Flooder));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            if (i == 0)
            {
                // The service hears the client, not the proxy.
                Assert.Equal(Flooder, LastForwardedFor(await allowed.Content.ReadFromJsonAsync<JsonElement>()));
            }
        }

        using (var limited = await mesh.TestKeyGateway.SendAsync(Forwarded(Flooder)))
        {
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        }
        using (var neighbour = await mesh.TestKeyGateway.SendAsync(Forwarded(Neighbour)))
        {
            Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        }

        // Gateway #1 trusts no proxy (the default): a client's own X-Forwarded-For does not make it somebody else.
        using var spoofed = await mesh.Gateway.SendAsync(Forwarded(Flooder));
        Assert.Equal(HttpStatusCode.OK, spoofed.StatusCode);
        Assert.Equal("127.0.0.1", LastForwardedFor(await spoofed.Content.ReadFromJsonAsync<JsonElement>()));

        static HttpRequestMessage Forwarded(string client) => new(HttpMethod.Get, "/api/echo-public/x") { Headers = { { "X-Forwarded-For", client } } };

        static string LastForwardedFor(JsonElement echoed) =>
            echoed.EnumerateObject().Single(h => string.Equals(h.Name, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
                .Value.GetString()!.Split(',')[^1].Trim();
    }

    [Fact]
    public async Task HSTS_is_sent_only_on_answers_to_requests_that_came_over_TLS_at_a_trusted_proxy()
    {
        // Gateway #3 trusts the test as its TLS-terminating proxy; a public host name, since loopback names never get HSTS.
        using var overTls = await mesh.TestKeyGateway.SendAsync(Public("https"));
        Assert.Equal(HttpStatusCode.OK, overTls.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(overTls.Headers.GetValues("Strict-Transport-Security")));

        using var plain = await mesh.TestKeyGateway.SendAsync(Public(null));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"), "an answer over plain HTTP must not carry HSTS");

        // Gateway #1 trusts no proxy: a client saying it came over TLS does not make the plain answer HSTS.
        using var claimed = await mesh.Gateway.SendAsync(Public("https"));
        Assert.False(claimed.Headers.Contains("Strict-Transport-Security"), "an untrusted X-Forwarded-Proto must not turn HSTS on");

        static HttpRequestMessage Public(string? proto)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo-public/x") { Headers = { Host = "shop.example.test" } };
            if (proto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", proto);
            }
            return request;
        }
    }

    private string Token(string kind)
    {
        var tokens = mesh.Tokens;
        var now = DateTimeOffset.UtcNow;
        return kind switch
        {
            // Beyond the 30 s clock skew the gateway allows.
            "expired" => tokens.With(Customer, c =>
            {
                c["iat"] = c["nbf"] = now.AddMinutes(-20).ToUnixTimeSeconds();
                c["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds();
            }),
            "not yet valid" => tokens.With(Customer, c =>
            {
                c["iat"] = c["nbf"] = now.AddMinutes(5).ToUnixTimeSeconds();
                c["exp"] = now.AddMinutes(20).ToUnixTimeSeconds();
            }),
            "no expiry" => tokens.With(Customer, c => c.Remove("exp")),
            "wrong issuer" => tokens.With(Customer, c => c["iss"] = "http://identity.attacker.example"),
            "wrong audience" => tokens.With(Customer, c => c["aud"] = "another-api"),
            "not an access token" => tokens.WithType(Customer, "JWT"),
            "alg none" => tokens.Unsigned(Customer),
            "key of another issuer" => tokens.With(Customer, _ => { }, TestTokens.StrangerKey()),
            "hs256 keyed with the public key" => tokens.HmacWithPublicKey(Customer),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
