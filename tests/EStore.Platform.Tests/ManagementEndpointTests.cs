using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using EStore.Platform.Health;
using EStore.Platform.Hosting;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Tests;

public sealed class ManagementEndpointTests
{
    // Served where allowed. The gateway's routes endpoint only exists in the gateway (its tests cover it).
    private static readonly string[] ServedPaths =
        ["/actuator", "/actuator/info", "/actuator/metrics", "/actuator/metrics/http.server.active_requests", "/actuator/prometheus", "/ACTUATOR/Prometheus"];

    // Every spelling must be refused where not allowed, served or not.
    private static readonly string[] ManagementPaths = [.. ServedPaths, "/actuator/", "/actuator/gateway/routes", "/actuator//metrics"];

    private static readonly string[] HealthPaths =
        ["/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/health/livenessState"];

    [Fact]
    public async Task Without_a_management_port_or_token_validation_only_health_is_served()
    {
        await using var service = await TestService.StartAsync();

        foreach (var path in ManagementPaths)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(service.Client, path));
        }
        foreach (var path in HealthPaths)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service.Client, path));
        }
    }

    [Fact]
    public async Task The_management_port_serves_management_endpoints_and_the_main_port_refuses_them()
    {
        var announce = Path.Combine(Path.GetTempPath(), $"estore-mgmt-{Guid.NewGuid():N}.url");
        try
        {
            await using var service = await TestService.StartAsync(
                map: app => app.MapGet("/hello", () => "hi"),
                settings: new Dictionary<string, string?> { ["Management:Port"] = "0", ["Mesh:AnnounceFile"] = announce });
            var management = service.Management!;
            Assert.NotEqual(service.Client.BaseAddress!.Port, management.BaseAddress!.Port);

            foreach (var path in ManagementPaths)
            {
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(service.Client, path));
            }
            foreach (var path in ServedPaths)
            {
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, path));
            }
            foreach (var path in HealthPaths)
            {
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(service.Client, path));
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, path));
            }
            // The management port is not a second way into the application.
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service.Client, "/hello"));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(management, "/hello"));

            await WaitForFileAsync(announce);
            Assert.Equal(service.Client.BaseAddress!.ToString().TrimEnd('/'), File.ReadAllText(announce));
            Assert.Equal(management.BaseAddress.ToString().TrimEnd('/'), File.ReadAllText(announce + ".management"));
        }
        finally
        {
            File.Delete(announce);
            File.Delete(announce + ".management");
        }
    }

    [Fact]
    public async Task Without_a_management_port_only_an_admin_token_reaches_management_endpoints()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        await using var service = await TestService.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton(new StaticKeys(key));
            builder.AddServiceAuthentication<StaticKeys>();
        });
        var admin = Token(key, UserRoles.Admin);
        var customer = Token(key, UserRoles.Customer);

        foreach (var path in ManagementPaths)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(service.Client, path));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(service.Client, path, "not-a-token"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(service.Client, path, customer));
        }
        foreach (var path in ServedPaths)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service.Client, path, admin));
        }
        foreach (var path in HealthPaths)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service.Client, path));
        }
    }

    [Fact]
    public async Task An_admin_token_shows_health_details_on_the_main_port_and_other_callers_see_statuses_only()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        await using var service = await TestService.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton(new StaticKeys(key));
            builder.AddServiceAuthentication<StaticKeys>();
            ActuatorHealthTests.FailingDatabase(builder);
        });
        var admin = Token(key, UserRoles.Admin);
        var customer = Token(key, UserRoles.Customer);

        foreach (var path in new[] { "/actuator/health", "/actuator/health/db" })
        {
            var (adminStatus, adminBody) = await GetAsync(service.Client, path, admin);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, adminStatus);
            Assert.Contains("no route to 10.1.2.3:5432", adminBody, StringComparison.Ordinal);
            Assert.Contains("\"details\"", adminBody, StringComparison.Ordinal);

            foreach (var token in new[] { null, "not-a-token", customer })
            {
                var (status, body) = await GetAsync(service.Client, path, token);
                // A bad token is no reason to refuse health: the caller gets what anyone gets.
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.DoesNotContain("details", body, StringComparison.Ordinal);
                Assert.DoesNotContain("10.1.2.3", body, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("/actuator/health", "Health")]
    [InlineData("/actuator/health/db", "Health")]
    [InlineData("/Actuator/HEALTH/readiness", "Health")]
    [InlineData("/actuator/healthz", "Management")]
    [InlineData("/actuator", "Management")]
    [InlineData("/actuator/info", "Management")]
    [InlineData("//actuator/prometheus", "Management")]
    [InlineData("/actuators", "Other")]
    [InlineData("/api/actuator/metrics", "Other")]
    [InlineData("/", "Other")]
    public void Paths_are_classified_as_routing_matches_them(string path, string expected) =>
        Assert.Equal(expected, ManagementAccess.Classify(new PathString(path)).ToString());

    [Fact]
    public async Task A_malformed_management_port_stops_startup_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestService.StartAsync(settings: new Dictionary<string, string?> { ["Management:Port"] = "ninety" }));
        var failure = StartupFailureReporter.Unwrap(error);
        Assert.NotNull(failure);
        Assert.Equal(ManagementOptions.PortKey, failure.Key);
        Assert.Equal("Management:Port: 'ninety' is not a whole number.", failure.Message);
    }

    [Fact]
    public async Task Out_of_range_management_port_stops_startup_naming_the_key_and_value()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestService.StartAsync(settings: new Dictionary<string, string?> { ["Management:Port"] = "70000" }));
        var failure = StartupFailureReporter.Unwrap(error);
        Assert.NotNull(failure);
        Assert.Equal("Management:Port: '70000' is not a port from 0 to 65535.", failure.Message);
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_no_server_header()
    {
        await using var service = await TestService.StartAsync(map: app =>
        {
            app.MapGet("/page", () => Results.Content("<html><body>hi</body></html>", "text/html"));
            app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
        });

        foreach (var path in new[] { "/actuator/health", "/nowhere", "/actuator/metrics", "/page", "/boom" })
        {
            using var response = await service.Client.GetAsync(path);
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
            Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal(path == "/page" ? SecurityHeaders.HtmlPolicy : SecurityHeaders.ApiPolicy, csp);
            Assert.False(response.Headers.Contains("Server"), path);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WaitForFileAsync(string file)
    {
        for (var i = 0; i < 100 && !File.Exists(file); i++)
        {
            await Task.Delay(50);
        }
    }

    private static string Token(SecurityKey key, string role)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = JwtSettings.DefaultIssuer,
            ["aud"] = JwtSettings.DefaultAudience,
            ["sub"] = Guid.NewGuid().ToString(),
            ["role"] = role,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(claims),
            new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            new Dictionary<string, object> { ["typ"] = TokenClaims.AccessTokenType });
    }

    private sealed class StaticKeys(SecurityKey key) : IJwtSigningKeySource
    {
        private readonly SigningKeySet _set = new([key], DateTimeOffset.UtcNow);

        public SigningKeySet Current => _set;

        public ValueTask<SigningKeySet> GetKeysAsync(string? keyId, CancellationToken cancellationToken) => ValueTask.FromResult(_set);
    }
}
