using EStore.Discovery.Registry;

namespace EStore.Discovery.Dashboard;

/// <summary>The human status page at <c>/</c>, in the spirit of Spring's Eureka dashboard.</summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDiscoveryDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (InstanceRegistry registry, TimeProvider time, IHostEnvironment environment) =>
        {
            var html = DashboardPage.Render(registry.GetLeases(), registry.StartedAt, time.GetUtcNow(), environment.EnvironmentName);
            return Results.Content(html, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return endpoints;
    }
}
