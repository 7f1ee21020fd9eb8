using EStore.Platform.Hosting;

namespace EStore.Platform.Discovery;

/// <summary>Eureka client settings (<c>Eureka:Client:*</c>), named after Steeltoe's keys.</summary>
public sealed class EurekaClientOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Eureka:Client";

    /// <summary>Comma-separated discovery server URLs, each ending in <c>/eureka/</c>.</summary>
    public string ServiceUrl { get; set; } = "http://localhost:8761/eureka/";

    /// <summary>Whether this process registers itself.</summary>
    public bool ShouldRegisterWithEureka { get; set; } = true;

    /// <summary>Whether this process fetches the registry to find other services.</summary>
    public bool ShouldFetchRegistry { get; set; } = true;

    /// <summary>How often the registry is fetched, in seconds.</summary>
    public int RegistryFetchIntervalSeconds { get; set; } = 30;

    /// <summary>Always fetch the full registry instead of deltas.</summary>
    public bool DisableDelta { get; set; }

    /// <summary>
    /// How long an empty registry from the server is ignored while the cache knows instances,
    /// in seconds (a restarted discovery server is empty until instances re-register).
    /// </summary>
    public int EmptyRegistryGraceSeconds { get; set; } = 90;

    /// <summary>The server URLs, trimmed, each ending with a slash.</summary>
    public IReadOnlyList<Uri> ServiceUrls => ServiceUrl
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(u => new Uri(u.EndsWith('/') ? u : u + "/"))
        .ToList();
}

/// <summary>How this instance describes itself to Eureka (<c>Eureka:Instance:*</c>).</summary>
public sealed class EurekaInstanceOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Eureka:Instance";

    /// <summary>App name; defaults to the service identity's name.</summary>
    public string? AppName { get; set; }

    /// <summary>Instance id; defaults to <c>host:app-name:port</c>.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Host name callers use; defaults to the machine's host name.</summary>
    public string? HostName { get; set; }

    /// <summary>IP address; defaults to the first resolved address of the host name.</summary>
    public string? IpAddress { get; set; }

    /// <summary>Port to register; 0 means the port the server actually bound.</summary>
    public int Port { get; set; }

    /// <summary>Register the IP address as the host name.</summary>
    public bool PreferIpAddress { get; set; }

    /// <summary>Heartbeat period, in seconds.</summary>
    public int LeaseRenewalIntervalInSeconds { get; set; } = 30;

    /// <summary>How long the server keeps the lease without a heartbeat, in seconds.</summary>
    public int LeaseExpirationDurationInSeconds { get; set; } = 90;

    /// <summary>Metadata published with the instance.</summary>
    public Dictionary<string, string> MetadataMap { get; set; } = [];
}
