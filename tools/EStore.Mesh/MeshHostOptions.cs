namespace EStore.Mesh;

/// <summary>Which ports the processes listen on.</summary>
public enum MeshPortMode
{
    /// <summary>
    /// Instance 1 of each app on its catalog port (8761, 8080, 8082, ...) and its management port 1000 above
    /// (9761, 9080, 9082, ...); further instances on free ports.
    /// </summary>
    Fixed,

    /// <summary>Every process on a free port chosen by the OS (tests; several meshes side by side).</summary>
    Auto,
}

/// <summary>The database a service uses: <c>Database__Provider</c> and <c>ConnectionStrings__Default</c>.</summary>
/// <param name="Provider"><c>Sqlite</c> or <c>Postgres</c>.</param>
/// <param name="ConnectionString">The connection string.</param>
public sealed record MeshDatabase(string Provider, string ConnectionString);

/// <summary>The environment of one instance about to start, for <see cref="MeshHostOptions.ConfigureEnvironment"/>.</summary>
public sealed class MeshInstanceEnvironment
{
    internal MeshInstanceEnvironment(MeshServiceDefinition definition, int index, string name, int requestedPort, IDictionary<string, string?> variables)
    {
        Definition = definition;
        Index = index;
        Name = name;
        RequestedPort = requestedPort;
        Variables = variables;
    }

    /// <summary>The app being started.</summary>
    public MeshServiceDefinition Definition { get; }

    /// <summary>The instance number, from 1.</summary>
    public int Index { get; }

    /// <summary>The instance name, e.g. <c>product-service#2</c>.</summary>
    public string Name { get; }

    /// <summary>The port in ASPNETCORE_URLS (0 = chosen by the OS).</summary>
    public int RequestedPort { get; }

    /// <summary>The variables so far; change or add freely, set null to remove an inherited one.</summary>
    public IDictionary<string, string?> Variables { get; }
}

/// <summary>What <see cref="MeshHost"/> starts and how.</summary>
public sealed class MeshHostOptions
{
    /// <summary>The repository root; null to search upward from AppContext.BaseDirectory for EStore.sln.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary><c>debug</c> or <c>release</c>; null for the caller's own build configuration, falling back to the other.</summary>
    public string? Configuration { get; set; }

    /// <summary>Fixed catalog ports or OS-chosen ones.</summary>
    public MeshPortMode Ports { get; set; } = MeshPortMode.Fixed;

    /// <summary>
    /// Instances per app (app name, case-insensitive); 1 when absent. 0 skips a service. An app named here must
    /// be built. Discovery cannot be scaled.
    /// </summary>
    public IDictionary<string, int> Scale { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The services to start (discovery and the gateway always start); null for every service whose dll exists.
    /// </summary>
    public IList<string>? Apps { get; set; }

    /// <summary>Where the SQLite files go; null for <c>&lt;repo&gt;/data</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Delete <see cref="DataDirectory"/> when the host is disposed (for temporary test directories).</summary>
    public bool DeleteDataDirectoryOnDispose { get; set; }

    /// <summary>
    /// Pass <c>Demo__SeedData=true</c> to the services with demo data (shop-service's demo shops, product-service's
    /// demo catalog), which they seed into an empty database. The launcher sets it; production never does.
    /// </summary>
    public bool SeedDemoData { get; set; }

    /// <summary>Per-app database settings (app name, case-insensitive); others get SQLite in the data directory.</summary>
    public IDictionary<string, MeshDatabase> Databases { get; } = new Dictionary<string, MeshDatabase>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra variables for every child (applied after the mesh's own; null removes one).</summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Extra variables per app (app name, case-insensitive), applied after <see cref="Environment"/>.</summary>
    public IDictionary<string, IDictionary<string, string?>> AppEnvironment { get; } =
        new Dictionary<string, IDictionary<string, string?>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Called last for every instance, to adjust its environment.</summary>
    public Action<MeshInstanceEnvironment>? ConfigureEnvironment { get; set; }

    /// <summary>Use this Kafka instead of starting the mock broker.</summary>
    public string? KafkaBootstrapServers { get; set; }

    /// <summary>
    /// Topics the mock broker creates up front (<c>name</c> or <c>name:partitions</c>): by default every
    /// event topic and its dead-letter topic with 6 partitions, since the mock broker cannot create
    /// topics through the admin API and would auto-create them with 4.
    /// </summary>
    public IList<string> BrokerTopics { get; } =
        [.. EStore.Contracts.Topics.All.SelectMany(t => new[] { $"{t}:6", $"{EStore.Contracts.Topics.DeadLetterOf(t)}:6" })];

    /// <summary>Passed as <c>Zipkin__Endpoint</c> when set.</summary>
    public string? ZipkinEndpoint { get; set; }

    /// <summary>
    /// Start smtp4dev (<see cref="MeshMailServer"/>) with the mesh, its data under <see cref="DataDirectory"/>: on
    /// <see cref="MeshMailPorts.Fixed"/> ports, or free ones with <see cref="MeshPortMode.Auto"/>. notification-service
    /// sends to it.
    /// </summary>
    public bool StartMailServer { get; set; }

    /// <summary>
    /// An SMTP server already running (plain SMTP, no TLS) that notification-service sends to instead; the mail
    /// server is then not started. The launcher sets it when something listens on 127.0.0.1:1025.
    /// </summary>
    public System.Net.DnsEndPoint? SmtpServer { get; set; }

    /// <summary>
    /// Start the payment sandbox (<see cref="MeshPaymentSandbox"/>, Stripe's API, its state in the data folder) with the mesh, on port
    /// <see cref="MeshPaymentSandboxOptions.FixedPort"/> or a free one with <see cref="MeshPortMode.Auto"/>, its events
    /// sent to the gateway's <c>/api/payments/webhooks/provider</c>; payment-service is pointed at it (settings of
    /// <see cref="AppEnvironment"/> still win). Null (the default): only when payment-service runs.
    /// </summary>
    public bool? StartPaymentSandbox { get; set; }

    /// <summary><c>Eureka__Instance__LeaseRenewalIntervalInSeconds</c>.</summary>
    public int LeaseRenewalIntervalSeconds { get; set; } = 5;

    /// <summary><c>Eureka__Instance__LeaseExpirationDurationInSeconds</c>.</summary>
    public int LeaseExpirationDurationSeconds { get; set; } = 15;

    /// <summary><c>Eureka__Client__RegistryFetchIntervalSeconds</c>.</summary>
    public int RegistryFetchIntervalSeconds { get; set; } = 5;

    /// <summary>How long each instance may take for each step: announcing, healthy, registered, routed.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a process gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Once the mesh is ready, an instance (discovery, a gateway, a service, web) that exits without being asked to is
    /// started again on its port, with a back-off (<see cref="CrashBackoff"/>), and given up on only after repeated
    /// crashes soon after starting; <see cref="MeshHost.Failure"/> then stays pending. False (the default, and the
    /// launcher's <c>--fail-fast</c>): the first such exit stops the mesh. The broker (topics in memory), smtp4dev and the
    /// payment sandbox are not restarted: their exit always stops it.
    /// </summary>
    public bool RestartCrashedInstances { get; set; }

    /// <summary>Makes the back-off of each restarted instance (tests shorten its delays).</summary>
    public Func<CrashBackoff> RestartBackoff { get; set; } = () => new CrashBackoff();

    /// <summary>Receives every child's log lines (from thread-pool threads).</summary>
    public Action<ProcessLogLine>? OnOutput { get; set; }

    /// <summary>Receives progress messages such as <c>product-service#2 healthy in 2.3s</c>.</summary>
    public Action<string>? OnProgress { get; set; }

    /// <summary>
    /// Options for end-to-end tests: OS-chosen ports, fast Eureka timings (1/5/1 s), a temporary data directory
    /// deleted on dispose, a 10 s stop grace.
    /// </summary>
    public static MeshHostOptions ForTests() => new()
    {
        Ports = MeshPortMode.Auto,
        LeaseRenewalIntervalSeconds = 1,
        LeaseExpirationDurationSeconds = 5,
        RegistryFetchIntervalSeconds = 1,
        DataDirectory = Path.Combine(Path.GetTempPath(), "estore-mesh-data-" + Guid.NewGuid().ToString("N")[..12]),
        DeleteDataDirectoryOnDispose = true,
    };
}
