using System.Net;
using System.Text.Json;
using EStore.Platform.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Platform.Tests;

public sealed class ActuatorHealthTests
{
    [Fact]
    public async Task Health_is_UP_with_liveness_and_readiness_components_when_all_checks_pass()
    {
        await using var service = await TestService.StartAsync();

        var (status, body) = await GetAsync(service, "/actuator/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("UP", body.GetProperty("status").GetString());
        Assert.Equal("UP", body.GetProperty("components").GetProperty("livenessState").GetProperty("status").GetString());
        Assert.Equal("UP", body.GetProperty("components").GetProperty("readinessState").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failing_component_makes_health_DOWN_with_503_and_names_it()
    {
        await using var service = await TestService.StartAsync(configure: b =>
            b.Services.AddHealthChecks().AddCheck("db", () => HealthCheckResult.Unhealthy("cannot connect"), tags: [ActuatorEndpoints.ReadinessTag]));

        var (status, body) = await GetAsync(service, "/actuator/health");
        var (readyStatus, ready) = await GetAsync(service, "/actuator/health/readiness");
        var (liveStatus, live) = await GetAsync(service, "/actuator/health/liveness");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("DOWN", body.GetProperty("status").GetString());
        Assert.Equal("DOWN", body.GetProperty("components").GetProperty("db").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("DOWN", ready.GetProperty("status").GetString());
        // A broken database is not a reason to restart the process.
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.False(live.GetProperty("components").TryGetProperty("db", out _));
    }

    [Fact]
    public async Task Anonymous_health_on_the_main_port_shows_statuses_only_and_no_error_text_when_a_component_is_down()
    {
        await using var service = await TestService.StartAsync(configure: FailingDatabase);

        foreach (var path in new[] { "/actuator/health", "/actuator/health/readiness", "/actuator/health/db" })
        {
            using var response = await service.Client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();

            // Same status code as with details: load balancers still see DOWN.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.DoesNotContain("details", text, StringComparison.Ordinal);
            Assert.DoesNotContain("10.1.2.3", text, StringComparison.Ordinal);
            Assert.DoesNotContain("cannot connect", text, StringComparison.Ordinal);
            var body = JsonDocument.Parse(text).RootElement;
            var db = path == "/actuator/health/db" ? body : body.GetProperty("components").GetProperty("db");
            Assert.Equal("DOWN", db.GetProperty("status").GetString());
            Assert.Equal(["status"], db.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task The_management_port_shows_component_details_and_the_error_message()
    {
        await using var service = await TestService.StartAsync(
            configure: FailingDatabase, settings: new Dictionary<string, string?> { ["Management:Port"] = "0" });

        foreach (var path in new[] { "/actuator/health", "/actuator/health/readiness", "/actuator/health/db" })
        {
            using var response = await service.Management!.GetAsync(path);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var db = path == "/actuator/health/db" ? body : body.GetProperty("components").GetProperty("db");
            var details = db.GetProperty("details");
            Assert.Equal("cannot connect", details.GetProperty("description").GetString());
            Assert.Equal("no route to 10.1.2.3:5432", details.GetProperty("error").GetString());
            Assert.Equal("10.1.2.3", details.GetProperty("host").GetString());
        }
        // The main port of the same process still hides them.
        var (_, main) = await GetAsync(service, "/actuator/health");
        Assert.False(main.GetProperty("components").GetProperty("db").TryGetProperty("details", out _));
    }

    internal static void FailingDatabase(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddCheck("db", () => HealthCheckResult.Unhealthy(
            "cannot connect", new InvalidOperationException("no route to 10.1.2.3:5432"), new Dictionary<string, object> { ["host"] = "10.1.2.3" }),
            tags: [ActuatorEndpoints.ReadinessTag]);

    [Fact]
    public async Task Out_of_service_component_answers_503_and_unknown_alone_stays_UP()
    {
        await using var service = await TestService.StartAsync(configure: b => b.Services.AddHealthChecks()
            .AddCheck("maintenance", () => new HealthCheckResult(HealthStatus.Unhealthy, data: ActuatorStatus.OutOfServiceData("drain")))
            .AddCheck("optional", () => new HealthCheckResult(HealthStatus.Degraded, data: ActuatorStatus.UnknownData("not configured"))));

        var (status, body) = await GetAsync(service, "/actuator/health");
        var (optionalStatus, optional) = await GetAsync(service, "/actuator/health/optional");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("OUT_OF_SERVICE", body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, optionalStatus);
        Assert.Equal("UNKNOWN", optional.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_health_component_is_a_404_problem()
    {
        await using var service = await TestService.StartAsync();

        using var response = await service.Client.GetAsync("/actuator/health/nonexistent");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Info_shows_app_name_and_configured_info_section()
    {
        await using var service = await TestService.StartAsync(settings: new Dictionary<string, string?> { ["Info:team"] = "checkout", ["Management:Port"] = "0" });

        using var response = await service.Management!.GetAsync("/actuator/info");
        var (status, body) = (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("test-service", body.GetProperty("app").GetProperty("name").GetString());
        Assert.Equal("checkout", body.GetProperty("team").GetString());
    }

    [Theory]
    [InlineData(new[] { "UP", "DOWN", "UNKNOWN" }, "DOWN")]
    [InlineData(new[] { "UP", "OUT_OF_SERVICE" }, "OUT_OF_SERVICE")]
    [InlineData(new[] { "UNKNOWN", "UP" }, "UP")]
    [InlineData(new[] { "UNKNOWN" }, "UNKNOWN")]
    [InlineData(new string[0], "UNKNOWN")]
    public void Statuses_aggregate_in_Spring_order(string[] statuses, string expected) =>
        Assert.Equal(expected, ActuatorStatus.Aggregate(statuses));

    private static async Task<(HttpStatusCode, JsonElement)> GetAsync(TestService service, string path)
    {
        using var response = await service.Client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }
}
