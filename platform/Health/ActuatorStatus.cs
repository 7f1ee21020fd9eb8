using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Platform.Health;

/// <summary>Spring Boot Actuator's health status names and how they aggregate.</summary>
public static class ActuatorStatus
{
    /// <summary>The component works.</summary>
    public const string Up = "UP";
    /// <summary>The component is broken.</summary>
    public const string Down = "DOWN";
    /// <summary>The component is deliberately out of traffic.</summary>
    public const string OutOfService = "OUT_OF_SERVICE";
    /// <summary>The component's state is unknown.</summary>
    public const string Unknown = "UNKNOWN";

    /// <summary>
    /// The health check data key that overrides the status derived from <see cref="HealthStatus"/>,
    /// for the two states ASP.NET Core has no name for (OUT_OF_SERVICE, UNKNOWN).
    /// </summary>
    public const string DataKey = "status";

    // Spring's default order: the first status present wins.
    private static readonly string[] Order = [Down, OutOfService, Up, Unknown];

    /// <summary>The Actuator status of one health check result.</summary>
    public static string Of(HealthReportEntry entry) =>
        entry.Data.TryGetValue(DataKey, out var value) && value is string s ? s : entry.Status switch
        {
            HealthStatus.Healthy => Up,
            HealthStatus.Degraded => Unknown,
            _ => Down,
        };

    /// <summary>Aggregates component statuses: any DOWN wins, then OUT_OF_SERVICE, then UP; none known is UNKNOWN.</summary>
    public static string Aggregate(IEnumerable<string> statuses)
    {
        var present = statuses.ToHashSet(StringComparer.Ordinal);
        return Order.FirstOrDefault(present.Contains) ?? (present.Count > 0 ? Up : Unknown);
    }

    /// <summary>HTTP status for a health status: 503 for DOWN and OUT_OF_SERVICE, otherwise 200.</summary>
    public static int HttpStatusOf(string status) => status is Down or OutOfService ? 503 : 200;

    /// <summary>Health check data that marks a result OUT_OF_SERVICE.</summary>
    public static IReadOnlyDictionary<string, object> OutOfServiceData(string reason) =>
        new Dictionary<string, object> { [DataKey] = OutOfService, ["reason"] = reason };

    /// <summary>Health check data that marks a result UNKNOWN.</summary>
    public static IReadOnlyDictionary<string, object> UnknownData(string reason) =>
        new Dictionary<string, object> { [DataKey] = Unknown, ["reason"] = reason };
}
