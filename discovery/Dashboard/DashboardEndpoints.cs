using EStore.Discovery.Registry;
using EStore.Discovery.Replication;

namespace EStore.Discovery.Dashboard;

/// <summary>The human status page at <c>/</c>, in the spirit of Spring's Eureka dashboard.</summary>
public static class DashboardEndpoints
{
    /// <summary>Maps <c>GET /</c>: system status, self-preservation, peers, and every instance with its lease.</summary>
    public static IEndpointRouteBuilder MapDiscoveryDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (InstanceRegistry registry, SelfPreservationMonitor selfPreservation, PeerDirectory peers, RegistrySyncService sync, TimeProvider time, IHostEnvironment environment) =>
        {
            var model = new DashboardModel(
                registry.GetLeases(),
                selfPreservation.Snapshot(),
                [.. peers.Nodes.Select(n => n.Status())],
                sync.Outcome,
                registry.StartedAt,
                time.GetUtcNow(),
                environment.EnvironmentName);
            return Results.Content(DashboardPage.Render(model), "text/html; charset=utf-8");
        }).AddEndpointFilter(Security.DiscoveryAuthenticator.FilterAsync).ExcludeFromDescription();
        return endpoints;
    }
}

/// <summary>Everything the dashboard shows, read once per request.</summary>
internal sealed record DashboardModel(
    IReadOnlyList<LeaseInfoSnapshot> Leases,
    SelfPreservationState SelfPreservation,
    IReadOnlyList<PeerStatus> Peers,
    SyncOutcome? Sync,
    DateTimeOffset StartedAt,
    DateTimeOffset Now,
    string Environment);
