using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;
using Xunit.Abstractions;

namespace EStore.Identity.Tests;

/// <summary><c>POST /api/auth/login</c>: tokens, refusals that reveal nothing, lockout.</summary>
[Collection(IdentityCollection.Name)]
public sealed class LoginTests(IdentityStack stack, ITestOutputHelper output)
{
    private readonly IdentityClient _client = stack.Client;

    [Fact]
    public async Task Login_returns_an_RS256_access_token_with_the_agreed_claims_and_an_opaque_refresh_token()
    {
        var email = IdentityClient.NewEmail("claims");
        var user = await _client.RegisterAsync(email);
        using var response = await _client.PostAsync("/api/auth/login", new { email = email.ToUpperInvariant(), password = IdentityClient.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        Assert.Equal(14 * 24 * 3600, body.GetProperty("refreshExpiresIn").GetInt32());

        var access = body.GetProperty("accessToken").GetString()!;
        var header = TokenForge.Header(access);
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(header["kid"]!.GetValue<string>()));
        var claims = TokenForge.Payload(access);
        Assert.Equal(user.Id.ToString(), claims["sub"]!.GetValue<string>());
        Assert.Equal(email, claims["email"]!.GetValue<string>());
        Assert.Equal(UserRoles.Customer, claims["role"]!.GetValue<string>());
        Assert.False(claims["email_verified"]!.GetValue<bool>());
        Assert.Equal(JwtSettings.DefaultIssuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(JwtSettings.DefaultAudience, claims["aud"]!.GetValue<string>());
        Assert.True(Guid.TryParse(claims["jti"]!.GetValue<string>(), out _));
        Assert.True(Guid.TryParse(claims["sid"]!.GetValue<string>(), out _));
        Assert.Equal(900, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());

        var refresh = body.GetProperty("refreshToken").GetString()!;
        Assert.DoesNotContain('.', refresh);
        Assert.True(refresh.Length >= 43);
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_answer()
    {
        var email = IdentityClient.NewEmail("same");
        await _client.RegisterAsync(email);
        using var wrong = await _client.PostAsync("/api/auth/login", new { email, password = "not the password at all" });
        using var unknown = await _client.PostAsync("/api/auth/login", new { email = IdentityClient.NewEmail("ghost"), password = "not the password at all" });
        var a = await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var b = await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid e-mail or password.", a.GetProperty("message").GetString());
        Assert.Equal("Unauthorized", a.GetProperty("error").GetString());
        Assert.Equal(Without(a, "traceId"), Without(b, "traceId"));
        Assert.Equal(HeaderNames(wrong), HeaderNames(unknown));
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_take_similar_time()
    {
        var email = IdentityClient.NewEmail("timing");
        await _client.RegisterAsync(email);
        var wrong = new List<double>();
        var unknown = new List<double>();
        // Interleaved so that load on the machine hits both series alike; the lockout is irrelevant here
        // because the account's failures stay below the limit per pair (reset by a success).
        for (var i = 0; i < 12; i++)
        {
            unknown.Add(await TimeLoginAsync(IdentityClient.NewEmail("ghost"), "wrong password here"));
            wrong.Add(await TimeLoginAsync(email, "wrong password here"));
            if (i % 4 == 3)
            {
                await _client.LoginAsync(email);
            }
        }
        var medianWrong = Median(wrong);
        var medianUnknown = Median(unknown);
        output.WriteLine($"median wrong password {medianWrong:F1} ms, unknown e-mail {medianUnknown:F1} ms");
        // PBKDF2 dominates both; a missing hash check would make unknown e-mails several times faster.
        Assert.InRange(medianUnknown / medianWrong, 0.6, 1.6);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_and_the_right_password_then_fails_the_same_way()
    {
        var email = IdentityClient.NewEmail("lockout");
        await _client.RegisterAsync(email);
        JsonElement? first = null;
        for (var i = 0; i < 5; i++)
        {
            using var failure = await _client.PostAsync("/api/auth/login", new { email, password = $"wrong password {i}" });
            first ??= await failure.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using var locked = await _client.PostAsync("/api/auth/login", new { email, password = IdentityClient.Password });
        var problem = await locked.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(Without(first!.Value, "traceId"), Without(problem, "traceId"));
    }

    [Theory]
    [InlineData("{}", "email")]
    [InlineData("{\"email\":\"a@example.test\"}", "password")]
    [InlineData("{\"password\":\"whatever it is\"}", "email")]
    public async Task Missing_credentials_get_422(string body, string field)
    {
        using var response = await _client.PostAsync("/api/auth/login", body);
        await response.AssertInvalidAsync(field);
    }

    [Fact]
    public async Task Login_without_a_body_gets_400()
    {
        using var response = await _client.PostAsync("/api/auth/login", "");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<double> TimeLoginAsync(string email, string password)
    {
        var watch = Stopwatch.StartNew();
        using var response = await _client.PostAsync("/api/auth/login", new { email, password });
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Without(JsonElement problem, string member) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != member).ToDictionary(p => p.Name, p => p.Value));

    private static string HeaderNames(HttpResponseMessage response) =>
        string.Join(",", response.Headers.Select(h => h.Key).Where(k => k != "Date").Order()) + "|" + string.Join(",", response.Content.Headers.Select(h => h.Key).Where(k => k != "Content-Length").Order());
}
