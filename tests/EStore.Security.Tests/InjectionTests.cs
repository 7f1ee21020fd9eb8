using System.Net;
using EStore.Contracts;
using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// API8:2023 Security Misconfiguration and API10 (unsafe input): injection strings in every path and query parameter of
/// every operation of the catalog, and in the string fields of the bodies that take free text. Answers are 4xx problems
/// (or ordinary answers that treat the string as data), never a 500, never a stack trace or database error, and never
/// anything of another user.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class InjectionTests(SecurityMesh mesh)
{
    private static readonly string[] Payloads =
    [
        "' OR '1'='1' --",
        "1; DROP TABLE users; --",
        "../../../../etc/passwd",
        "<script>alert(1)</script>",
        "{{7*7}}${7*7}%{7*7}",
        "'\"\\",
        "00000000-0000-0000-0000-000000000000' OR 1=1",
    ];

    private static readonly string[] Leaks = ["Exception", "   at ", "Npgsql", "syntax error", "SQLite", "42601"];

    [Fact]
    public async Task Injection_strings_in_every_path_and_query_parameter_are_refused_or_treated_as_data_never_a_500_or_a_leak()
    {
        var attacks = await Attacks.StartAsync(mesh);
        var world = attacks.World;
        var secrets = world.VictimIds.Select(id => id.ToString()).Append(world.A.Email).ToList();
        var sent = 0;
        foreach (var operation in attacks.Catalog.Where(o => o.PathParameters.Count + o.QueryParameters.Count > 0))
        {
            var @case = SecurityCases.ByKey[operation.Key];
            (string Caller, string? Token) who = @case.Access switch
            {
                Access.Admin => ("the admin", world.Admin.Token),
                Access.OwnerOwned => ("another shop owner", world.Rival.Token),
                Access.Public or Access.Guest => ("anonymous", null),
                _ => ("B", world.B.Token),
            };
            var (caller, token) = who;
            foreach (var path in InjectedPaths(operation, @case.Path(world)))
            {
                foreach (var (where, baseUrl) in attacks.Targets(@case))
                {
                    sent++;
                    var answer = await attacks.SendAsync(@case, token, baseUrl, path);
                    var code = (int)answer.Status;
                    if (code >= 500)
                    {
                        attacks.Fail($"{operation.Method} {path} as {caller} at {where}: {answer}");
                    }
                    else if (Leaks.FirstOrDefault(l => answer.Text.Contains(l, StringComparison.OrdinalIgnoreCase)) is { } leak)
                    {
                        attacks.Fail($"{operation.Method} {path} as {caller} at {where}: the answer shows '{leak}': {answer}");
                    }
                    else if (code >= 400 && answer.MediaType != "application/problem+json")
                    {
                        attacks.Fail($"{operation.Method} {path} as {caller} at {where}: {code} is not a problem ({answer.MediaType})");
                    }
                    else if (@case.Access is not Access.Admin && code < 400 && secrets.FirstOrDefault(s => answer.Text.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } secret)
                    {
                        attacks.Fail($"{operation.Method} {path} as {caller} at {where}: answered another user's '{secret}': {answer}");
                    }
                }
            }
        }
        attacks.AssertNoFailures();
        Assert.True(sent > 500, $"only {sent} requests sent");
    }

    [Fact]
    public async Task Injection_strings_in_sign_in_search_and_free_text_fields_are_refused_or_stored_as_plain_text()
    {
        var world = await mesh.WorldAsync();
        var all = (await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/products", null, null)).GetProperty("total").GetInt32();
        foreach (var payload in Payloads)
        {
            // Sign-in: the same 401 (or 422 for a malformed address) as any wrong login.
            var login = await mesh.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = payload, password = payload }, null);
            Assert.True(login.Status is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{payload}: {login}");
            // (A real account, but not one other tests sign in with: these wrong passwords lock it.)
            var real = await mesh.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = DemoAccounts.Shopper.Email, password = payload }, null);
            Assert.True(real.Status == HttpStatusCode.Unauthorized, $"{payload}: {real}");

            // Catalog search: the string is words to look for, never a condition that matches everything.
            var search = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/products?q={Uri.EscapeDataString(payload)}", null, null);
            Assert.True(search.GetProperty("total").GetInt32() < all, $"{payload}: {search.GetProperty("total")} of {all} products");
            var shops = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/shops?q={Uri.EscapeDataString(payload)}", null, null);
            Assert.Equal(0, shops.GetProperty("total").GetInt32());

            // Free text: refused (422) or kept exactly as sent, as text.
            var cart = await mesh.SendAsync(HttpMethod.Put, $"/api/carts/{world.BCartId}", new { name = payload }, world.B.Token);
            if (cart.Status == HttpStatusCode.OK)
            {
                Assert.Equal(payload.Trim(), cart.Json.GetProperty("name").GetString());
            }
            else
            {
                Assert.True(cart.Status == HttpStatusCode.UnprocessableEntity && cart.MediaType == "application/problem+json", $"{payload}: {cart}");
            }
            var address = await mesh.SendAsync(HttpMethod.Put, $"/api/addresses/{world.BAddressId}",
                new { label = payload, recipientName = "Bob Tester", line1 = payload, city = "London", postalCode = "N1 1AA", country = "GB", phone = "+44 20 7946 0000" }, world.B.Token);
            if (address.Status == HttpStatusCode.OK)
            {
                Assert.Equal(payload, address.Json.GetProperty("line1").GetString());
            }
            else
            {
                Assert.True(address.Status == HttpStatusCode.UnprocessableEntity && address.MediaType == "application/problem+json", $"{payload}: {address}");
            }
        }
        // Every table the strings named is still there: A still signs in and reads their order.
        await mesh.LoginAsync(world.A.Email, SecurityMesh.Password);
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{world.OrderId}", null, world.A.Token);
    }

    [Fact]
    public async Task A_nul_character_in_any_query_parameter_or_text_field_is_a_4xx_problem_not_a_500()
    {
        // PostgreSQL refuses U+0000 in text: a service that passes one to a query fails unless it refuses it first.
        var attacks = await Attacks.StartAsync(mesh);
        var world = attacks.World;
        const string nul = "a\u0000b";
        foreach (var operation in attacks.Catalog.Where(o => o.QueryParameters.Count > 0))
        {
            var @case = SecurityCases.ByKey[operation.Key];
            var token = @case.Access switch
            {
                Access.Admin => world.Admin.Token,
                Access.OwnerOwned => world.Owner.Token,
                Access.Public or Access.Guest => null,
                _ => world.B.Token,
            };
            foreach (var parameter in operation.QueryParameters)
            {
                var path = $"{@case.Path(world).Split('?')[0]}?{parameter}={Uri.EscapeDataString(nul)}";
                foreach (var (where, baseUrl) in attacks.Targets(@case))
                {
                    var answer = await attacks.SendAsync(@case, token, baseUrl, path);
                    if ((int)answer.Status >= 500)
                    {
                        attacks.Fail($"{operation.Method} {path} at {where}: {answer}");
                    }
                }
            }
        }
        foreach (var (method, path, body, token) in new (HttpMethod, string, object, string?)[]
        {
            (HttpMethod.Post, "/api/auth/login", new { email = $"x{nul}@example.test", password = nul }, null),
            (HttpMethod.Post, "/api/auth/forgot-password", new { email = $"x{nul}@example.test" }, null),
            (HttpMethod.Put, $"/api/carts/{world.BCartId}", new { name = nul }, world.B.Token),
            (HttpMethod.Put, $"/api/addresses/{world.BAddressId}", new { recipientName = nul, line1 = nul, city = "London", postalCode = "N1 1AA", country = "GB", phone = "+44 20 7946 0000" }, world.B.Token),
            (HttpMethod.Put, "/api/users/me", new { name = nul }, world.B.Token),
        })
        {
            var answer = await mesh.SendAsync(method, path, body, token);
            if ((int)answer.Status >= 500 || answer.MediaType != "application/problem+json")
            {
                attacks.Fail($"{method} {path} with a NUL in its body: {answer}");
            }
        }
        attacks.AssertNoFailures();
    }

    /// <summary>The case's real request with one parameter at a time replaced by each payload.</summary>
    private static IEnumerable<string> InjectedPaths(Operation operation, string real)
    {
        var parts = real.Split('?', 2);
        var segments = parts[0].Split('/');
        var template = operation.Template.Split('/');
        var query = parts.Length > 1 ? parts[1].Split('&').ToList() : [];
        foreach (var payload in Payloads)
        {
            var escaped = Uri.EscapeDataString(payload);
            foreach (var parameter in operation.PathParameters)
            {
                var at = Array.IndexOf(template, $"{{{parameter}}}");
                var injected = (string[])segments.Clone();
                injected[at] = escaped;
                yield return string.Join('/', injected) + (parts.Length > 1 ? "?" + parts[1] : "");
            }
            foreach (var parameter in operation.QueryParameters)
            {
                var rest = query.Where(q => !q.StartsWith(parameter + "=", StringComparison.Ordinal)).Append($"{parameter}={escaped}");
                yield return $"{parts[0]}?{string.Join('&', rest)}";
            }
        }
    }
}
