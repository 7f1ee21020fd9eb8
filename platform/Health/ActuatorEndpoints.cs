using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Platform.Health;

/// <summary>
/// Spring Boot Actuator-compatible management endpoints: <c>/actuator</c>, <c>/actuator/health</c>
/// (with <c>liveness</c> and <c>readiness</c> groups and per-component paths) and <c>/actuator/info</c>.
/// Health shows component details when authorized (Spring's <c>show-details: when-authorized</c>): on the management
/// port or to an admin token; elsewhere the aggregate and each component's status only, with the same HTTP status.
/// </summary>
public static class ActuatorEndpoints
{
    /// <summary>Health check tag of the liveness group.</summary>
    public const string LivenessTag = "live";

    /// <summary>Health check tag of the readiness group.</summary>
    public const string ReadinessTag = "ready";

    /// <summary>
    /// Adds the liveness and readiness state checks and the management port (<c>Management:*</c>, read and
    /// validated now: Kestrel's listeners are configured before the host is built).
    /// </summary>
    public static WebApplicationBuilder AddActuator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck<LivenessStateHealthCheck>("livenessState", tags: [LivenessTag])
            .AddCheck<ReadinessStateHealthCheck>("readinessState", tags: [ReadinessTag]);
        ManagementPort.AddTo(builder);
        return builder;
    }

    /// <summary>
    /// Decides who reaches <c>/actuator</c>, before routing: health for everyone, the rest on the management port or
    /// for admin tokens (see <see cref="ManagementAuthentication"/>).
    /// </summary>
    public static IApplicationBuilder UseManagementAccess(this IApplicationBuilder app) => app.UseMiddleware<ManagementAccess>();

    /// <summary>Maps the actuator endpoints.</summary>
    public static IEndpointRouteBuilder MapActuatorEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var actuator = endpoints.MapGroup("/actuator").ExcludeFromDescription();
        actuator.MapGet("", (HttpContext http) => Results.Json(Links(http)));
        actuator.MapGet("/health", (HealthCheckService health, HttpContext http) =>
            WriteHealthAsync(health, http, _ => true, includeGroups: true));
        actuator.MapGet("/health/liveness", (HealthCheckService health, HttpContext http) =>
            WriteHealthAsync(health, http, r => r.Tags.Contains(LivenessTag), includeGroups: false));
        actuator.MapGet("/health/readiness", (HealthCheckService health, HttpContext http) =>
            WriteHealthAsync(health, http, r => r.Tags.Contains(ReadinessTag), includeGroups: false));
        actuator.MapGet("/health/{component}", async (string component, HealthCheckService health, HttpContext http) =>
        {
            var report = await health.CheckHealthAsync(r => r.Name == component, http.RequestAborted);
            if (!report.Entries.TryGetValue(component, out var entry))
            {
                return ProblemResponses.NotFound($"No health component named '{component}'.");
            }
            var status = ActuatorStatus.Of(entry);
            var details = await ManagementAccess.MayShowHealthDetailsAsync(http);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(ComponentBody(entry, details), statusCode: ActuatorStatus.HttpStatusOf(status));
        });
        actuator.MapGet("/info", (ServiceIdentity identity, IConfiguration configuration) => Results.Json(Info(identity, configuration)));
        return endpoints;
    }

    private static async Task<IResult> WriteHealthAsync(HealthCheckService health, HttpContext http, Func<HealthCheckRegistration, bool> predicate, bool includeGroups)
    {
        var report = await health.CheckHealthAsync(predicate, http.RequestAborted);
        var status = ActuatorStatus.Aggregate(report.Entries.Values.Select(ActuatorStatus.Of));
        var details = await ManagementAccess.MayShowHealthDetailsAsync(http);
        var body = new Dictionary<string, object?>
        {
            ["status"] = status,
            ["components"] = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
                .ToDictionary(e => e.Key, e => (object)ComponentBody(e.Value, details)),
        };
        if (includeGroups)
        {
            body["groups"] = new[] { "liveness", "readiness" };
        }
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(body, statusCode: ActuatorStatus.HttpStatusOf(status));
    }

    // Details (exception messages, broker and peer addresses, counts) tell an outsider how the process is built and
    // what fails: only the management port and admins see them; everyone else gets the statuses.
    private static Dictionary<string, object?> ComponentBody(HealthReportEntry entry, bool includeDetails)
    {
        var body = new Dictionary<string, object?> { ["status"] = ActuatorStatus.Of(entry) };
        if (!includeDetails)
        {
            return body;
        }
        var details = entry.Data
            .Where(d => d.Key != ActuatorStatus.DataKey)
            .ToDictionary(d => d.Key, d => (object?)d.Value);
        if (entry.Description is { Length: > 0 } description)
        {
            details["description"] = description;
        }
        if (entry.Exception is { } exception)
        {
            // The message only: a type name or stack trace would reveal internals.
            details["error"] = exception.Message;
        }
        if (details.Count > 0)
        {
            body["details"] = details;
        }
        return body;
    }

    private static Dictionary<string, object?> Info(ServiceIdentity identity, IConfiguration configuration)
    {
        var info = new Dictionary<string, object?>
        {
            ["app"] = new Dictionary<string, string> { ["name"] = identity.AppName, ["version"] = identity.Version },
        };
        foreach (var section in configuration.GetSection("Info").GetChildren())
        {
            info[section.Key] = ToObject(section);
        }
        return info;
    }

    private static object? ToObject(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        return children.Count == 0 ? section.Value : children.ToDictionary(c => c.Key, ToObject);
    }

    private static Dictionary<string, object> Links(HttpContext http)
    {
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/actuator";
        static Dictionary<string, object> Link(string href) => new() { ["href"] = href, ["templated"] = href.Contains('{', StringComparison.Ordinal) };
        return new Dictionary<string, object>
        {
            ["_links"] = new Dictionary<string, object>
            {
                ["self"] = Link(root),
                ["health"] = Link($"{root}/health"),
                ["health-path"] = Link($"{root}/health/{{*path}}"),
                ["info"] = Link($"{root}/info"),
                ["metrics"] = Link($"{root}/metrics"),
                ["metrics-requiredMetricName"] = Link($"{root}/metrics/{{requiredMetricName}}"),
                ["prometheus"] = Link($"{root}/prometheus"),
            },
        };
    }
}
