using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EStore.Security.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Security.Tests;

/// <summary>
/// API2:2023 Broken Authentication: forged, expired, misdirected and revoked access tokens, at the gateway and
/// directly at every service. Each forgery is identity-service's real token with one thing wrong (the tests hold its
/// real signing key, <see cref="IdentityKey"/>), and the same token without the fault is accepted, so a 401 proves
/// that one check.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class JwtAttackTests(SecurityMesh mesh)
{
    /// <summary>One read per service that needs a token (and the gateway in front of each).</summary>
    private static readonly (string App, string Path)[] Probes =
    [
        ("identity-service", "/api/users/me"),
        ("shop-service", "/api/shops/mine"),
        ("product-service", $"/api/products/feeds?shopId={SecurityMesh.SummitShop}"),
        ("cart-service", "/api/carts"),
        ("address-service", "/api/addresses"),
        ("payment-service", "/api/payment-methods"),
        ("order-service", "/api/orders"),
        ("notification-service", "/api/notifications"),
    ];

    [Fact]
    public async Task Forged_expired_and_misdirected_tokens_are_401_everywhere_while_the_same_token_without_the_fault_is_accepted()
    {
        var world = await mesh.WorldAsync();
        var key = await IdentityKey.LoadAsync(mesh);
        var user = world.B.Id;
        var now = DateTimeOffset.UtcNow;
        var stranger = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = $"stranger-{Guid.NewGuid():N}" }, SecurityAlgorithms.RsaSha256);
        var realKid = JsonDocument.Parse(Base64UrlEncoder.Decode(key.Token(user).Split('.')[0])).RootElement.GetProperty("kid").GetString()!;
        var impostor = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = realKid }, SecurityAlgorithms.RsaSha256);

        var forgeries = new (string What, string Token)[]
        {
            ("alg none", key.Unsigned(user)),
            ("a foreign signing key", key.Token(user, signedBy: stranger)),
            ("another key under the real kid", key.Token(user, signedBy: impostor)),
            ("HS256 keyed with the public key", key.HmacWithPublicKey(user)),
            ("expired 5 minutes ago", key.Token(user, c => { c["iat"] = now.AddMinutes(-20).ToUnixTimeSeconds(); c["nbf"] = now.AddMinutes(-20).ToUnixTimeSeconds(); c["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds(); })),
            ("not valid for 10 minutes", key.Token(user, c => c["nbf"] = now.AddMinutes(10).ToUnixTimeSeconds())),
            ("no expiry", key.Token(user, c => c.Remove("exp"))),
            ("a wrong audience", key.Token(user, c => c["aud"] = "another-api")),
            ("a wrong issuer", key.Token(user, c => c["iss"] = "http://evil-identity")),
            ("a subject that is no user id", key.Token(user, c => c["sub"] = "admin")),
            ("no jti", key.Token(user, c => c.Remove("jti"))),
            ("the real token's payload changed to admin", Tamper(world.B.Token)),
        };

        var failures = new List<string>();
        foreach (var (app, path) in Probes)
        {
            foreach (var (where, baseUrl) in new[] { ("gateway", (Uri?)null), (app, mesh.Direct(app)) })
            {
                var control = await mesh.SendAsync(baseUrl, HttpMethod.Get, path, null, key.Token(user));
                if (control.Status is HttpStatusCode.Unauthorized or >= HttpStatusCode.InternalServerError)
                {
                    failures.Add($"{path} at {where}: the genuine token was refused: {control}");
                }
                foreach (var (what, token) in forgeries)
                {
                    var answer = await mesh.SendAsync(baseUrl, HttpMethod.Get, path, null, token);
                    if (answer.Status != HttpStatusCode.Unauthorized || answer.MediaType != "application/problem+json")
                    {
                        failures.Add($"{path} at {where} with {what}: {answer}");
                    }
                }
                // A token in the query string is never read.
                var query = await mesh.SendAsync(baseUrl, HttpMethod.Get, $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}access_token={key.Token(user)}", null, null);
                if (query.Status != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{path} at {where} with the token in the query: {query}");
                }
            }
        }
        // An admin-only route with the tampered token: the gateway does not trust the changed role.
        var users = await mesh.SendAsync(HttpMethod.Get, "/api/users", null, Tamper(world.B.Token));
        if (users.Status != HttpStatusCode.Unauthorized)
        {
            failures.Add($"GET /api/users with the payload changed to admin: {users}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_token_of_a_session_that_signed_out_is_refused_everywhere_and_other_sessions_keep_working()
    {
        var world = await mesh.WorldAsync();
        var session = await mesh.LoginAsync(world.A.Email, SecurityMesh.Password);
        var targets = Probes.SelectMany(p => new[] { (p.Path, Where: "gateway", BaseUrl: (Uri?)null), (p.Path, Where: p.App, BaseUrl: (Uri?)mesh.Direct(p.App)) }).ToList();
        foreach (var (path, where, baseUrl) in targets)
        {
            var before = await mesh.SendAsync(baseUrl, HttpMethod.Get, path, null, session);
            Assert.True(before.Status != HttpStatusCode.Unauthorized, $"{path} at {where} before sign-out: {before}");
        }

        await mesh.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "/api/auth/logout", null, session);

        foreach (var (path, where, baseUrl) in targets)
        {
            await Eventually.GetAsync(() => mesh.SendAsync(baseUrl, HttpMethod.Get, path, null, session), answer => answer.Status == HttpStatusCode.Unauthorized,
                $"{path} at {where} to refuse the signed-out token", TimeSpan.FromSeconds(15));
        }
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/users/me", null, world.A.Token);
    }

    /// <summary>The token with its payload's role changed to admin and its signature kept.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["role"] = JsonSerializer.SerializeToElement(new[] { "customer", "admin" });
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(payload)))}.{parts[2]}";
    }
}
