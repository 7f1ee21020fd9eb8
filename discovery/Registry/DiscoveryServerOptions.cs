namespace EStore.Discovery.Registry;

/// <summary>Server-side registry settings, bound from the <c>Discovery</c> configuration section.</summary>
public sealed class DiscoveryServerOptions
{
    public const string SectionName = "Discovery";

    /// <summary>How often expired leases are evicted (Eureka's <c>evictionIntervalTimerInMs</c>, 60 s).</summary>
    public int EvictionIntervalSeconds { get; set; } = 60;

    /// <summary>How long a change stays in the delta (Eureka's <c>retentionTimeInMSInDeltaQueue</c>, 3 min).</summary>
    public int DeltaRetentionSeconds { get; set; } = 180;
}
