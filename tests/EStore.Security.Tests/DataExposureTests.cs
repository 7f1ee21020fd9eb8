using System.Net;
using System.Text.Json;
using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// API3:2023 Broken Object Property Level Authorization, the reading half (excessive data exposure): every GET of the
/// mesh, read by the one who may read it, holds no password or hash, no card number or CVC, no key material, no feed
/// credential, no mail link, no stack trace.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class DataExposureTests(SecurityMesh mesh)
{
    /// <summary>Property names (lower case, without <c>_</c> and <c>-</c>) that must never appear in an answer.</summary>
    private static readonly string[] ForbiddenNames =
        ["password", "hash", "salt", "secret", "securitystamp", "privatekey", "cardnumber", "cvc", "cvv", "pan", "iban", "refreshtoken", "apikey"];

    [Fact]
    public async Task No_answer_of_any_read_carries_secrets_hashes_card_data_or_internals()
    {
        var attacks = await Attacks.StartAsync(mesh);
        var world = attacks.World;
        string[] forbiddenValues =
        [
            "4242424242424242", SecurityMesh.Password, "feed-secret-token-0001", "AQAAAA", "BEGIN PRIVATE", "verify-email?token", "reset-password?token",
            "   at ", "Exception", "Npgsql",
        ];
        var read = 0;
        foreach (var @case in SecurityCases.All.Where(c => c.Method == HttpMethod.Get))
        {
            (string Caller, string? Token, Dictionary<string, string>? Headers) who = @case.Access switch
            {
                Access.Public => ("anonymous", null, null),
                Access.Admin => ("the admin", world.Admin.Token, null),
                Access.OwnerOwned => ("the shop owner", world.Owner.Token, null),
                Access.Guest => ("the guest", null, new Dictionary<string, string> { ["X-Cart-Token"] = world.GuestCartToken }),
                _ => ("A", world.A.Token, null),
            };
            var (caller, token, headers) = who;
            var answer = await mesh.SendAsync(HttpMethod.Get, @case.Path(world), null, token, headers);
            if (answer.Status != HttpStatusCode.OK)
            {
                attacks.Fail($"{@case.Key} as {caller}: expected 200 to read what it exposes, got {answer}");
                continue;
            }
            read++;
            foreach (var value in forbiddenValues.Where(v => answer.Text.Contains(v, StringComparison.Ordinal)))
            {
                attacks.Fail($"{@case.Key} as {caller}: the answer holds '{value}': {answer}");
            }
            if (answer.MediaType is "application/json" && Names(answer.Json).FirstOrDefault(Forbidden) is { } name)
            {
                attacks.Fail($"{@case.Key} as {caller}: the answer has a property '{name}': {answer}");
            }
        }
        attacks.AssertNoFailures();
        Assert.Equal(SecurityCases.All.Count(c => c.Method == HttpMethod.Get), read);
    }

    [Fact]
    public async Task The_published_key_set_holds_public_rsa_keys_only()
    {
        var jwks = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/.well-known/jwks.json", null, null);
        Assert.NotEmpty(jwks.GetProperty("keys").EnumerateArray());
        foreach (var key in jwks.GetProperty("keys").EnumerateArray())
        {
            Assert.Equal(("RSA", "RS256"), (key.GetProperty("kty").GetString(), key.GetProperty("alg").GetString()));
            Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], key.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Sign_in_answers_tokens_and_profile_reads_carry_no_credential_of_the_account()
    {
        var world = await mesh.WorldAsync();
        var login = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login", new { email = world.A.Email, password = SecurityMesh.Password }, null);
        Assert.Equal(["accessToken", "expiresIn", "refreshExpiresIn", "refreshToken", "tokenType"],
            login.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var me = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/users/me", null, world.A.Token);
        var admin = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/users?search={Uri.EscapeDataString(world.A.Email)}", null, world.Admin.Token);
        foreach (var answer in new[] { me, admin })
        {
            Assert.DoesNotContain(Names(answer), name => Forbidden(name) || name.Contains("token", StringComparison.OrdinalIgnoreCase));
        }
        Assert.Contains(world.A.Email, admin.ToString(), StringComparison.Ordinal);
    }

    private static bool Forbidden(string name)
    {
        var plain = name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        return ForbiddenNames.Any(f => plain == f || (f.Length > 3 && plain.Contains(f, StringComparison.Ordinal)));
    }

    private static IEnumerable<string> Names(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Names(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Names),
        _ => [],
    };
}
