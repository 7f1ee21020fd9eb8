namespace EStore.Platform.Discovery;

/// <summary>The status of an instance as Eureka knows it.</summary>
public enum InstanceStatus
{
    /// <summary>Ready to receive traffic.</summary>
    Up,
    /// <summary>Running but unhealthy.</summary>
    Down,
    /// <summary>Starting; not yet ready for traffic.</summary>
    Starting,
    /// <summary>Taken out of traffic on purpose (for example during a graceful shutdown).</summary>
    OutOfService,
    /// <summary>No known status; also the "no override" marker.</summary>
    Unknown,
}

/// <summary>The last change the registry applied to an instance (shown in deltas).</summary>
public enum EurekaActionType
{
    /// <summary>The instance was registered.</summary>
    Added,
    /// <summary>The instance changed (status, metadata, re-registration).</summary>
    Modified,
    /// <summary>The instance was cancelled or evicted.</summary>
    Deleted,
}

/// <summary>
/// One instance record as the Eureka protocol describes it. Timestamps are epoch milliseconds,
/// as on the wire. The app name is always upper case.
/// </summary>
public sealed record EurekaInstance
{
    /// <summary>Unique id within the app, by convention <c>host:app-name:port</c>.</summary>
    public string InstanceId { get; init; } = "";

    /// <summary>Upper-case application name.</summary>
    public string AppName { get; init; } = "";

    /// <summary>Host name (or IP address when the instance prefers it) that callers use.</summary>
    public string HostName { get; init; } = "";

    /// <summary>IP address of the instance.</summary>
    public string IpAddress { get; init; } = "";

    /// <summary>Status the instance reported (or the override, when one is set).</summary>
    public InstanceStatus Status { get; init; } = InstanceStatus.Up;

    /// <summary>Status override set by an operator; <see cref="InstanceStatus.Unknown"/> means none.</summary>
    public InstanceStatus OverriddenStatus { get; init; } = InstanceStatus.Unknown;

    /// <summary>Plain HTTP port.</summary>
    public int Port { get; init; }

    /// <summary>Whether <see cref="Port"/> is in use.</summary>
    public bool PortEnabled { get; init; } = true;

    /// <summary>HTTPS port.</summary>
    public int SecurePort { get; init; } = 443;

    /// <summary>Whether <see cref="SecurePort"/> is in use.</summary>
    public bool SecurePortEnabled { get; init; }

    /// <summary>Virtual address (may be a comma-separated list); case preserved.</summary>
    public string? VipAddress { get; init; }

    /// <summary>Secure virtual address; case preserved.</summary>
    public string? SecureVipAddress { get; init; }

    /// <summary>Home page URL.</summary>
    public string? HomePageUrl { get; init; }

    /// <summary>Status page URL (by our convention <c>/actuator/info</c>).</summary>
    public string? StatusPageUrl { get; init; }

    /// <summary>Health check URL (by our convention <c>/actuator/health</c>).</summary>
    public string? HealthCheckUrl { get; init; }

    /// <summary>Secure health check URL, if any.</summary>
    public string? SecureHealthCheckUrl { get; init; }

    /// <summary>Optional application group.</summary>
    public string? AppGroupName { get; init; }

    /// <summary>AWS auto-scaling group name, if any.</summary>
    public string? AsgName { get; init; }

    /// <summary>Data center kind: <c>MyOwn</c> or <c>Amazon</c>.</summary>
    public string DataCenterName { get; init; } = "MyOwn";

    /// <summary>Free-form string metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>How often the instance renews its lease, in seconds.</summary>
    public int RenewalIntervalSeconds { get; init; } = 30;

    /// <summary>How long a lease lasts without renewal, in seconds.</summary>
    public int LeaseDurationSeconds { get; init; } = 90;

    /// <summary>Time of the latest (re-)registration.</summary>
    public long RegistrationTimestamp { get; init; }

    /// <summary>Time of the last renewal.</summary>
    public long LastRenewalTimestamp { get; init; }

    /// <summary>Time of cancellation or eviction; 0 while registered.</summary>
    public long EvictionTimestamp { get; init; }

    /// <summary>First time the instance was seen UP; 0 if never.</summary>
    public long ServiceUpTimestamp { get; init; }

    /// <summary>Server-side time of the last change.</summary>
    public long LastUpdatedTimestamp { get; init; }

    /// <summary>Client-owned version stamp of the record.</summary>
    public long LastDirtyTimestamp { get; init; }

    /// <summary>True only for the record of the serving discovery server itself.</summary>
    public bool IsCoordinatingDiscoveryServer { get; init; }

    /// <summary>Last action the registry applied, when known.</summary>
    public EurekaActionType? ActionType { get; init; }

    /// <summary>Deprecated Eureka field, kept for wire compatibility.</summary>
    public int CountryId { get; init; } = 1;

    /// <summary>The base URI callers use: plain HTTP when enabled, otherwise HTTPS.</summary>
    public Uri BaseUri => PortEnabled || !SecurePortEnabled
        ? new Uri($"http://{HostName}:{Port}/")
        : new Uri($"https://{HostName}:{SecurePort}/");
}
