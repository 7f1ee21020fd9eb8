using EStore.Platform.Hosting;

namespace EStore.Discovery.Registry;

/// <summary>
/// Server settings, bound from the <c>Discovery</c> configuration section. Defaults are
/// Eureka's (Spring Cloud's where the two differ); discovery/README.md documents every key.
/// </summary>
public sealed class DiscoveryServerOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Discovery";

    /// <summary>How often expired leases are evicted (Eureka's <c>evictionIntervalTimerInMs</c>, 60 s).</summary>
    public int EvictionIntervalSeconds { get; set; } = 60;

    /// <summary>How long a change stays in the delta (Eureka's <c>retentionTimeInMSInDeltaQueue</c>, 3 min).</summary>
    public int DeltaRetentionSeconds { get; set; } = 180;

    /// <summary>Answer <c>GET apps/delta</c> with 403 so that clients always fetch the full registry.</summary>
    public bool DisableDelta { get; set; }

    /// <summary>
    /// This node's own Eureka URL as its peers know it (for example <c>http://discovery-1:8080/eureka/</c>).
    /// A <c>Eureka:Client:ServiceUrl</c> entry equal to it is not a peer. Optional: entries whose
    /// host and port are one of this process's bound addresses are recognised anyway.
    /// </summary>
    public string? MyUrl { get; set; }

    /// <summary>
    /// How far in the future a client's <c>lastDirtyTimestamp</c> may lie (clock skew allowance). A
    /// stamp beyond it is refused with 400: it would make the record win every later conflict.
    /// </summary>
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>
    /// Longest lease a client may ask for (<c>leaseInfo.durationInSecs</c>); longer ones are refused
    /// with 400, so that a dead or rogue instance cannot linger for hours.
    /// </summary>
    public int MaxLeaseDurationSeconds { get; set; } = 300;

    /// <summary>Who may change the registry (see discovery/README.md, "Security").</summary>
    public DiscoverySecurityOptions Security { get; set; } = new();

    /// <summary>Self-preservation (Eureka §5.9).</summary>
    public SelfPreservationOptions SelfPreservation { get; set; } = new();

    /// <summary>The cache of serialised registry documents (Eureka §5.10).</summary>
    public ResponseCacheOptions ResponseCache { get; set; } = new();

    /// <summary>Replication to the other discovery nodes (Eureka §4, §6).</summary>
    public PeerOptions Peers { get; set; } = new();

    void IValidatedOptions.Validate(OptionsCheck check)
    {
        check.AtLeast(EvictionIntervalSeconds, 1);
        check.AtLeast(DeltaRetentionSeconds, 1);
        var threshold = SelfPreservation.RenewalPercentThreshold;
        check.Require(threshold is > 0 and <= 1, "SelfPreservation.RenewalPercentThreshold", FormattableString.Invariant($"'{threshold}' must be in (0, 1]."));
        check.AtLeast(SelfPreservation.ExpectedClientRenewalIntervalSeconds, 1);
        check.AtLeast(Peers.MaxBatchSize, 1);
        check.Require(MyUrl is null || Uri.TryCreate(MyUrl, UriKind.Absolute, out _), nameof(MyUrl), $"'{MyUrl}' is not an absolute URL.");
        check.AtLeast(MaxClockSkewSeconds, 0);
        check.AtLeast(MaxLeaseDurationSeconds, 1);
        Security.Validate(check);
    }
}

/// <summary>When too few renewals arrive, stop evicting: the network is more likely broken than the instances dead.</summary>
public sealed class SelfPreservationOptions
{
    /// <summary>Eureka's <c>enableSelfPreservation</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of the expected renewals below which eviction stops (<c>renewalPercentThreshold</c>).</summary>
    public double RenewalPercentThreshold { get; set; } = 0.85;

    /// <summary>The renewal interval the threshold assumes clients use (<c>expectedClientRenewalIntervalSeconds</c>).</summary>
    public int ExpectedClientRenewalIntervalSeconds { get; set; } = 30;

    /// <summary>How often the expected client count is reset to the registry size (<c>renewalThresholdUpdateIntervalMs</c>, 15 min).</summary>
    public int RenewalThresholdUpdateIntervalSeconds { get; set; } = 900;

    /// <summary>
    /// Expected clients when the server opens (Spring's <c>expectedNumberOfClientsSendingRenews</c> /
    /// <c>defaultOpenForTrafficCount</c>, 1). Eureka only counts registrations up from a value above zero.
    /// </summary>
    public int ExpectedClientsAtStart { get; set; } = 1;
}

/// <summary>Serialised full registry, delta, application and VIP documents, with their gzip form.</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>
    /// A read-write entry is rebuilt after this long even without a change (<c>responseCacheAutoExpirationInSeconds</c>).
    /// Changes invalidate entries at once.
    /// </summary>
    public int AutoExpirationSeconds { get; set; } = 180;

    /// <summary>
    /// Serve from a second, read-only layer that copies the read-write one every
    /// <see cref="ReadOnlyUpdateIntervalSeconds"/> (Eureka's <c>useReadOnlyResponseCache</c>). Off by
    /// default here: it only adds up to 30 s of staleness to an already invalidated cache.
    /// </summary>
    public bool UseReadOnlyCache { get; set; }

    /// <summary>How often the read-only layer is refreshed (<c>responseCacheUpdateIntervalMs</c>, 30 s).</summary>
    public int ReadOnlyUpdateIntervalSeconds { get; set; } = 30;
}

/// <summary>Peer replication and the startup copy of a peer's registry.</summary>
public sealed class PeerOptions
{
    /// <summary>Most items in one <c>peerreplication/batch</c> request (Eureka: 250).</summary>
    public int MaxBatchSize { get; set; } = 250;

    /// <summary>How long the first queued item waits for others to join its batch (Eureka: 500 ms).</summary>
    public int BatchWindowMilliseconds { get; set; } = 500;

    /// <summary>Most items waiting per peer; newer ones are dropped beyond it (<c>maxElementsInPeerReplicationPool</c>).</summary>
    public int MaxQueueSize { get; set; } = 10_000;

    /// <summary>Cancel and status items not sent within this time are dropped (<c>maxTimeForReplication</c>, 30 s).</summary>
    public int MaxTimeForReplicationSeconds { get; set; } = 30;

    /// <summary>Connect timeout to a peer (<c>peerNodeConnectTimeoutMs</c>).</summary>
    public int ConnectTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>Timeout of one replication or sync request (<c>peerNodeReadTimeoutMs</c>).</summary>
    public int ReadTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>Wait before resending a batch a peer refused as overloaded (503) or timed out on (Eureka: 1 s).</summary>
    public int CongestionRetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>Wait before resending a batch after a network error (Eureka: 100 ms).</summary>
    public int NetworkFailureRetryDelayMilliseconds { get; set; } = 100;

    /// <summary>Copy the registry from a peer at startup.</summary>
    public bool SyncOnStartup { get; set; } = true;

    /// <summary>Further attempts when no peer answered the startup copy (<c>registrySyncRetries</c>).</summary>
    public int RegistrySyncRetries { get; set; } = 2;

    /// <summary>Wait between startup copy attempts (<c>registrySyncRetryWaitMs</c>; shorter than Eureka's 30 s).</summary>
    public int RegistrySyncRetryWaitSeconds { get; set; } = 5;
}

/// <summary>
/// HTTP Basic credentials for writes (and optionally reads): one secret per app (the user name is
/// the app name), plus the reserved principals <see cref="PeerPrincipal"/> and <see cref="AdminPrincipal"/>.
/// </summary>
public sealed class DiscoverySecurityOptions
{
    /// <summary>The principal peers replicate with; the only one whose replication is honoured.</summary>
    public const string PeerPrincipal = "discovery";

    /// <summary>The operators' principal: status overrides, cancels and metadata on any app.</summary>
    public const string AdminPrincipal = "admin";

    /// <summary>Require credentials for registry changes. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Secret per principal: app names (case-insensitive), <c>discovery</c> and <c>admin</c>.</summary>
    public Dictionary<string, string> Apps { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Also require a valid credential (any principal) for reads and the dashboard.</summary>
    public bool ProtectReads { get; set; }

    internal void Validate(OptionsCheck check)
    {
        if (!Enabled)
        {
            return;
        }
        // Secrets are never printed; a blank one is kept as empty by AddDiscoveryServer so that it is refused here.
        foreach (var (principal, secret) in Apps)
        {
            check.Require(!string.IsNullOrWhiteSpace(secret), $"Security:Apps:{principal}", "is empty; give it a secret or remove it.");
        }
        check.Require(Apps.Values.Any(s => !string.IsNullOrWhiteSpace(s)), "Security:Apps",
            "names no secret while Discovery:Security:Enabled is true; "
            + "set Discovery:Security:Apps:<app-name> (plus 'discovery' and 'admin'), or Discovery:Security:Enabled=false.");
    }
}
