using System.Diagnostics;
using System.Globalization;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;

namespace EStore.Discovery.Endpoints;

/// <summary>
/// <c>GET {R}/status</c>: Eureka's StatusInfo in outline (general stats, replica stats, health).
/// No known client reads it; operators and scripts do.
/// </summary>
internal static class ServerStatus
{
    public static IResult Get(InstanceRegistry registry, PeerDirectory peers, SelfPreservationMonitor selfPreservation, TimeProvider time, IHostEnvironment environment)
    {
        var statuses = peers.Nodes.Select(n => n.Status()).ToList();
        var uptime = time.GetUtcNow() - registry.StartedAt;
        using var process = Process.GetCurrentProcess();
        var state = selfPreservation.Snapshot();
        var body = RegistryDocuments.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("generalStats");
            w.WriteString("environment", environment.EnvironmentName);
            w.WriteString("num-of-cpus", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
            w.WriteString("current-memory-usage", $"{process.WorkingSet64 / (1024 * 1024)}mb");
            w.WriteString("server-uptime", $"{(int)uptime.TotalHours:00}:{uptime.Minutes:00}");
            w.WriteEndObject();
            w.WriteStartObject("applicationStats");
            w.WriteString("registered-replicas", string.Join(",", statuses.Select(s => s.ServiceUrl)));
            w.WriteString("available-replicas", string.Join(",", statuses.Where(s => s.Reachable == true).Select(s => s.ServiceUrl)));
            w.WriteString("unavailable-replicas", string.Join(",", statuses.Where(s => s.Reachable == false).Select(s => s.ServiceUrl)));
            w.WriteEndObject();
            w.WriteNumber("instances", registry.Count);
            w.WriteBoolean("selfPreservationActive", state.Active);
            w.WriteBoolean("healthy", true);
            w.WriteEndObject();
        });
        return EurekaResults.Json(body);
    }
}
