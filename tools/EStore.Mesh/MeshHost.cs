using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace EStore.Mesh;

/// <summary>
/// Runs the whole mesh as child processes: the mock Kafka broker, discovery, then the gateway and every service,
/// and returns once each one is healthy, registered with discovery and routed by the gateway. Disposing stops
/// everything in reverse order.
/// </summary>
/// <example>
/// <code>
/// var options = MeshHostOptions.ForTests();
/// options.Apps = ["product-service"];
/// await using var mesh = await MeshHost.StartAsync(options);
/// using var client = new HttpClient { BaseAddress = mesh.GatewayUrl };
/// </code>
/// </example>
public sealed class MeshHost : IAsyncDisposable
{
    private const int BrokerTier = 0;
    private const int DiscoveryTier = 1;
    private const int AppTier = 2;

    /// <summary>The app that talks to the payment provider.</summary>
    internal const string PaymentServiceApp = "payment-service";

    /// <summary>In fixed port mode, a process's management port is its app port plus this (gateway 9080, discovery 9761).</summary>
    public const int ManagementPortOffset = 1000;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly MeshHostOptions _options;
    private readonly List<(MeshServiceDefinition Definition, int Count)> _plan;
    private readonly Dictionary<string, string> _dlls = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? _brokerDll;
    private readonly string _runDirectory;
    private readonly HttpClient _http;
    private readonly object _gate = new();
    private readonly List<(ManagedProcess Process, int Tier)> _processes = [];
    private readonly List<MeshInstance> _instances = [];
    private readonly Dictionary<string, int> _lastIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(string App, int Port)> _stoppedPorts = [];
    private readonly TaskCompletionSource<MeshProcessFailure> _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Cancelled when a child dies unexpectedly or the host is disposed: every pending wait ends at once.
    private readonly CancellationTokenSource _lifetime = new();
    private readonly MeshCredentials _credentials = new();
    private MeshBroker? _broker;
    private MeshMailServer? _mailServer;
    private MeshPaymentSandbox? _paymentSandbox;
    // The sandbox sends its events to gateway #1, so it starts once that is up; payment-service waits for it.
    private readonly TaskCompletionSource<Uri> _firstGateway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _paymentSandboxStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    // Set once the mesh is ready: from then on a crashed instance may be restarted (RestartCrashedInstances).
    private volatile bool _ready;
    private readonly Dictionary<string, CrashBackoff> _backoffs = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _restarting = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _exitsWhileRestarting = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _givenUp = [];
    private int _disposed;

    private MeshHost(MeshHostOptions options)
    {
        _options = options;
        Layout = options.RepositoryRoot is null
            ? RepositoryLayout.Discover(configuration: options.Configuration)
            : new RepositoryLayout(options.RepositoryRoot, options.Configuration);
        DataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(Layout.Root, "data"));
        // The sandbox keeps its state in the data folder under this key: the same key next run reaches it again.
        PaymentCredentials = MeshPaymentCredentials.LoadOrCreate(Path.Combine(DataDirectory, MeshPaymentCredentials.FileName));
        _plan = ResolvePlan(out var skipped);
        if (options.KafkaBootstrapServers is null)
        {
            _brokerDll = Layout.FindDll(ServiceCatalog.BrokerProjectName)
                ?? throw new MeshStartupException("broker",
                    $"the broker is not built: {Layout.GetExpectedDllPath(ServiceCatalog.BrokerProjectName)} does not exist (dotnet build tools/EStore.Broker)", []);
        }

        if (skipped.Count > 0)
        {
            Progress($"not built yet, skipped: {string.Join(", ", skipped)}");
        }

        _runDirectory = Path.Combine(Path.GetTempPath(), $"estore-mesh-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        // No proxy: everything we poll is on 127.0.0.1, and an inherited http_proxy would break that.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>Raised once, for the first child that exits without being asked to (on a thread-pool thread).</summary>
    public event Action<MeshProcessFailure>? ProcessFailed;

    /// <summary>Raised when a crashed instance is healthy and registered again (<see cref="MeshHostOptions.RestartCrashedInstances"/>).</summary>
    public event Action<MeshInstance>? InstanceRestarted;

    /// <summary>Raised when a crashed instance is left down after repeated fast crashes (its name).</summary>
    public event Action<string>? InstanceGivenUp;

    /// <summary>The instances left down after repeated fast crashes.</summary>
    public IReadOnlyList<string> GivenUp
    {
        get
        {
            lock (_gate)
            {
                return [.. _givenUp];
            }
        }
    }

    /// <summary>The repository and build outputs in use.</summary>
    public RepositoryLayout Layout { get; }

    /// <summary>Where the SQLite databases live.</summary>
    public string DataDirectory { get; }

    /// <summary>The Kafka bootstrap servers every child got (the mock broker's unless given in the options).</summary>
    public string KafkaBootstrapServers { get; private set; } = "";

    /// <summary>
    /// This run's discovery credentials (a random secret per app, plus <c>admin</c> and <c>discovery</c>),
    /// for tests and tools that talk to discovery directly; also written to
    /// <c>{DataDirectory}/discovery-credentials.txt</c> (mode 0600).
    /// </summary>
    public MeshCredentials Credentials => _credentials;

    /// <summary>The mock broker, unless <see cref="MeshHostOptions.KafkaBootstrapServers"/> was given.</summary>
    public MeshBroker? Broker => _broker;

    /// <summary>smtp4dev when <see cref="MeshHostOptions.StartMailServer"/> started it.</summary>
    public MeshMailServer? MailServer => _mailServer;

    /// <summary>The payment sandbox, when started (<see cref="MeshHostOptions.StartPaymentSandbox"/>).</summary>
    public MeshPaymentSandbox? PaymentSandbox => _paymentSandbox;

    /// <summary>
    /// The payment provider key and webhook secret (kept across runs in the data folder): the sandbox's, and payment-service's
    /// <c>Payment__Provider__ApiKey</c> and <c>Payment__Provider__WebhookSecret</c>.
    /// </summary>
    public MeshPaymentCredentials PaymentCredentials { get; }

    /// <summary>
    /// Where notification-service sends mail (<c>Smtp__Host</c>, <c>Smtp__Port</c>): the started mail server or
    /// <see cref="MeshHostOptions.SmtpServer"/>; null when there is none.
    /// </summary>
    public DnsEndPoint? SmtpEndPoint => _mailServer?.SmtpEndPoint ?? _options.SmtpServer;

    /// <summary>
    /// <c>AccountTokens:EncryptionKey</c> of this run (base64 of 32 random bytes): sealed account tokens on the bus
    /// open with it. Only identity-service and notification-service get it.
    /// </summary>
    public string AccountTokensKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// <c>Feeds:CredentialKey</c> of this run (base64 of 32 random bytes): product-service seals supplier feeds'
    /// credentials in its database with it. Only product-service gets it; feeds registered in an earlier run of a kept
    /// data folder fail their runs saying their key is not configured (register them again).
    /// </summary>
    public string FeedCredentialKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The discovery server's base URL, e.g. <c>http://127.0.0.1:8761/</c>.</summary>
    public Uri DiscoveryUrl { get; private set; } = null!;

    /// <summary>The Eureka service URL the children got, e.g. <c>http://127.0.0.1:8761/eureka/</c>.</summary>
    public string EurekaServiceUrl => new Uri(DiscoveryUrl, "eureka/").ToString();

    /// <summary>The base URL of gateway instance 1, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>The running instances (discovery, gateways, services) in start order.</summary>
    public IReadOnlyList<MeshInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances.Where(i => i.IsRunning)];
            }
        }
    }

    /// <summary>Completes with the first child that exits without being asked to; never completes otherwise.</summary>
    public Task<MeshProcessFailure> Failure => _failure.Task;

    /// <summary>
    /// Starts the mesh and waits until it is ready. On failure or cancellation everything started is stopped
    /// before the exception propagates.
    /// </summary>
    /// <exception cref="ArgumentException">Bad options (unknown app, discovery scaled, bad configuration).</exception>
    /// <exception cref="MeshStartupException">A process is not built, exited or was not ready in time.</exception>
    public static async Task<MeshHost> StartAsync(MeshHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = new MeshHost(options);
        try
        {
            await host.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The running instances of one app, by index (#1 first), whatever order they started in.</summary>
    public IReadOnlyList<MeshInstance> GetInstances(string appName) =>
        [.. Instances.Where(i => string.Equals(i.AppName, appName, StringComparison.OrdinalIgnoreCase)).OrderBy(i => i.Index)];

    /// <summary>An instance by name (<c>product-service#2</c>), running or not.</summary>
    /// <exception cref="KeyNotFoundException">No such instance was started.</exception>
    public MeshInstance GetInstance(string name)
    {
        lock (_gate)
        {
            return _instances.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new KeyNotFoundException($"no instance named '{name}'; started: {string.Join(", ", _instances.Select(i => i.Name))}");
        }
    }

    /// <summary>Stops one instance gracefully (SIGTERM, then SIGKILL after the grace); not reported as a failure.</summary>
    /// <returns>Its exit code.</returns>
    public Task<int> StopInstanceAsync(string name, TimeSpan? grace = null)
    {
        var instance = MarkStopped(name);
        return instance.Process.StopAsync(grace ?? _options.StopGrace);
    }

    /// <summary>Kills one instance at once (SIGKILL), as a crash would; not reported as a failure.</summary>
    /// <returns>Its exit code.</returns>
    public Task<int> KillInstanceAsync(string name)
    {
        var instance = MarkStopped(name);
        instance.Process.Kill();
        return instance.Process.Exited;
    }

    /// <summary>
    /// Starts one more instance of an app and waits until it is healthy, registered and routed by every gateway.
    /// </summary>
    public async Task<MeshInstance> StartInstanceAsync(string appName, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var definition = ServiceCatalog.Get(appName);
        if (definition.Role == MeshRole.Discovery)
        {
            throw new InvalidOperationException("discovery runs as a single instance");
        }

        lock (_gate)
        {
            if (!_dlls.ContainsKey(definition.AppName))
            {
                _dlls[definition.AppName] = Layout.FindDll(definition.ProjectName) ?? throw NotBuilt(definition);
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var token = linked.Token;
        var instance = await LaunchAsync(definition, token).ConfigureAwait(false);
        await WaitRegisteredAsync(instance, token).ConfigureAwait(false);
        if (definition.Role == MeshRole.Gateway)
        {
            foreach (var app in StartedServiceApps())
            {
                await WaitRoutedAsync(instance, app, token).ConfigureAwait(false);
            }
        }
        else
        {
            await WaitForGatewayRoutesAsync(definition.AppName, token).ConfigureAwait(false);
        }

        return instance;
    }

    /// <summary>
    /// Waits until every running gateway routes <paramref name="appName"/> to all its running instances and to
    /// none that this host stopped (use after <see cref="StopInstanceAsync"/> to wait for the route to go).
    /// </summary>
    public async Task WaitForGatewayRoutesAsync(string appName, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        foreach (var gateway in GetInstances(ServiceCatalog.Gateway.AppName))
        {
            await WaitRoutedAsync(gateway, appName, linked.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every process in reverse start order: services and gateways, discovery, the broker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        List<(ManagedProcess Process, int Tier)> processes;
        lock (_gate)
        {
            processes = [.. _processes];
        }

        foreach (var tier in new[] { AppTier, DiscoveryTier, BrokerTier })
        {
            await Task.WhenAll(processes.Where(p => p.Tier == tier).Select(p => StopQuietlyAsync(p.Process))).ConfigureAwait(false);
        }

        _http.Dispose();
        _lifetime.Dispose();
        TryDeleteDirectory(_runDirectory);
        if (_options.DeleteDataDirectoryOnDispose)
        {
            TryDeleteDirectory(DataDirectory);
        }
    }

    private async Task StopQuietlyAsync(ManagedProcess process)
    {
        var wasRunning = !process.HasExited;
        var code = await process.StopAsync(_options.StopGrace).ConfigureAwait(false);
        await process.DisposeAsync().ConfigureAwait(false);
        if (wasRunning)
        {
            Progress($"{process.Name} stopped (exit code {code})");
        }
    }

    private List<(MeshServiceDefinition, int)> ResolvePlan(out List<string> skipped)
    {
        foreach (var (app, count) in _options.Scale)
        {
            var definition = ServiceCatalog.Get(app);
            if (count < 0 || count > 32)
            {
                throw new ArgumentException($"scale of {app} must be from 0 to 32, not {count}");
            }

            if (definition.Role == MeshRole.Discovery && count != 1)
            {
                throw new ArgumentException("discovery runs as a single instance and cannot be scaled");
            }

            if (definition.Role == MeshRole.Gateway && count == 0)
            {
                throw new ArgumentException("the gateway cannot be scaled to 0");
            }
        }

        var requested = _options.Apps?.Select(a => ServiceCatalog.Get(a).AppName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        skipped = [];
        var plan = new List<(MeshServiceDefinition, int)>();
        foreach (var definition in ServiceCatalog.All)
        {
            var count = _options.Scale.TryGetValue(definition.AppName, out var n) ? n : 1;
            // A front end is started like a service: when asked for, or by a run that names no apps.
            var isService = definition.Role is MeshRole.Service or MeshRole.Frontend;
            if (count == 0 || (isService && requested is not null && !requested.Contains(definition.AppName)))
            {
                continue;
            }

            var dll = Layout.FindDll(definition.ProjectName);
            if (dll is null)
            {
                // Unbuilt services are skipped so the mesh grows as services get built; asked-for ones are errors.
                if (!isService || requested is not null || _options.Scale.ContainsKey(definition.AppName))
                {
                    throw NotBuilt(definition);
                }

                skipped.Add(definition.AppName);
                continue;
            }

            _dlls[definition.AppName] = dll;
            plan.Add((definition, count));
        }

        return plan;
    }

    private MeshStartupException NotBuilt(MeshServiceDefinition definition) =>
        new(definition.AppName,
            $"{definition.AppName} is not built: {Layout.GetExpectedDllPath(definition.ProjectName)} does not exist (build it first, e.g. dotnet build EStore.sln)",
            []);

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var token = linked.Token;
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(_runDirectory);

        await RunStageAsync([StartBrokerAsync, StartMailServerAsync], token).ConfigureAwait(false);

        var discovery = _plan.Single(p => p.Definition.Role == MeshRole.Discovery).Definition;
        await RunStageAsync([async t => DiscoveryUrl = (await LaunchAsync(discovery, t).ConfigureAwait(false)).BaseUrl], token)
            .ConfigureAwait(false);

        // Gateway and services together; each app's first instance is healthy before its siblings start,
        // because they share a database and the first one creates or migrates it. The front end after them: its
        // pages read the gateway's API.
        await RunStageAsync(
            _plan.Where(p => p.Definition.Role is MeshRole.Gateway or MeshRole.Service)
                .Select(p => (Func<CancellationToken, Task>)(t => StartAppAsync(p.Definition, p.Count, t)))
                .Append(StartPaymentSandboxAsync),
            token).ConfigureAwait(false);
        await RunStageAsync(
            _plan.Where(p => p.Definition.Role == MeshRole.Frontend)
                .Select(p => (Func<CancellationToken, Task>)(t => StartAppAsync(p.Definition, p.Count, t))),
            token).ConfigureAwait(false);
        GatewayUrl = GetInstances(ServiceCatalog.Gateway.AppName)[0].BaseUrl;

        await RunStageAsync(
            Instances.Where(i => i.Definition.Role != MeshRole.Discovery)
                .Select(i => (Func<CancellationToken, Task>)(t => WaitRegisteredAsync(i, t))),
            token).ConfigureAwait(false);

        await RunStageAsync(
            from gateway in GetInstances(ServiceCatalog.Gateway.AppName)
            from app in StartedServiceApps()
            select (Func<CancellationToken, Task>)(t => WaitRoutedAsync(gateway, app, t)),
            token).ConfigureAwait(false);

        ThrowIfFailed();
        _ready = true;
        Progress($"mesh ready in {clock.Elapsed.TotalSeconds:0.0}s: {Instances.Count} processes, gateway at {GatewayUrl}");
    }

    private async Task StartBrokerAsync(CancellationToken token)
    {
        if (_options.KafkaBootstrapServers is { } external)
        {
            KafkaBootstrapServers = external;
            Progress($"using Kafka at {external}");
            return;
        }

        var clock = Stopwatch.StartNew();
        Progress("starting broker (librdkafka mock cluster)");
        var brokerOptions = new MeshBrokerOptions { DllPath = _brokerDll, OnOutput = _options.OnOutput, StartTimeout = _options.ReadyTimeout };
        foreach (var topic in _options.BrokerTopics)
        {
            brokerOptions.Topics.Add(topic);
        }

        _broker = await MeshBroker.StartAsync(brokerOptions, token).ConfigureAwait(false);
        Track(_broker.Process, BrokerTier);
        KafkaBootstrapServers = _broker.BootstrapServers;
        Progress($"broker ready in {Seconds(clock)} at {KafkaBootstrapServers}");
    }

    private async Task StartMailServerAsync(CancellationToken token)
    {
        if (!_options.StartMailServer || _options.SmtpServer is not null)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        Progress("starting smtp4dev (local SMTP server and web inbox)");
        _mailServer = await MeshMailServer.StartAsync(new MeshMailServerOptions
        {
            Layout = Layout,
            DataDirectory = DataDirectory,
            Ports = _options.Ports == MeshPortMode.Fixed ? MeshMailPorts.Fixed : MeshMailPorts.Free(),
            StartTimeout = _options.ReadyTimeout,
            OnOutput = _options.OnOutput,
            OnProgress = Progress,
        }, token).ConfigureAwait(false);
        // Stopped with the broker, after the services that send mail.
        Track(_mailServer.Process, BrokerTier);
        Progress($"smtp4dev ready in {Seconds(clock)}: SMTP {_mailServer.SmtpEndPoint.Host}:{_mailServer.Ports.Smtp}, inbox {_mailServer.InboxUrl}");
    }

    private bool StartsPaymentSandbox =>
        _options.StartPaymentSandbox ?? _plan.Any(p => p.Definition.AppName == PaymentServiceApp);

    private async Task StartPaymentSandboxAsync(CancellationToken token)
    {
        if (!StartsPaymentSandbox)
        {
            return;
        }

        var gateway = await _firstGateway.Task.WaitAsync(token).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        Progress("starting payment-sandbox (Stripe API, test mode, state kept in the data folder)");
        _paymentSandbox = await MeshPaymentSandbox.StartAsync(new MeshPaymentSandboxOptions
        {
            Layout = Layout,
            Port = _options.Ports == MeshPortMode.Fixed ? MeshPaymentSandboxOptions.FixedPort : 0,
            Credentials = PaymentCredentials,
            WebhookUrl = new Uri(gateway, MeshPaymentSandbox.WebhookPath),
            DataDirectory = DataDirectory,
            StartTimeout = _options.ReadyTimeout,
            OnOutput = _options.OnOutput,
        }, token).ConfigureAwait(false);
        // Stopped with the broker, after payment-service.
        Track(_paymentSandbox.Process, BrokerTier);
        var file = Path.Combine(DataDirectory, MeshPaymentCredentials.FileName);
        _paymentSandbox.WriteFile(file);
        Progress($"payment-sandbox ready in {Seconds(clock)} at {_paymentSandbox.BaseUrl}, events to {_paymentSandbox.WebhookUrl}; its key: {file}");
        _paymentSandboxStarted.TrySetResult();
    }

    private async Task StartAppAsync(MeshServiceDefinition definition, int count, CancellationToken token)
    {
        if (definition.AppName == PaymentServiceApp && StartsPaymentSandbox)
        {
            await _paymentSandboxStarted.Task.WaitAsync(token).ConfigureAwait(false);
        }

        var first = await LaunchAsync(definition, token).ConfigureAwait(false);
        if (definition.Role == MeshRole.Gateway)
        {
            _firstGateway.TrySetResult(first.BaseUrl);
        }

        if (count > 1)
        {
            await RunStageAsync(
                Enumerable.Range(0, count - 1).Select(_ => (Func<CancellationToken, Task>)(t => LaunchAsync(definition, t))),
                token).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the next instance of an app and waits until it has announced its URL and is healthy.</summary>
    /// <param name="definition">The app.</param>
    /// <param name="token">Cancels the wait.</param>
    /// <param name="restartOf">A crashed instance to replace: same name, index and port.</param>
    private async Task<MeshInstance> LaunchAsync(MeshServiceDefinition definition, CancellationToken token, MeshInstance? restartOf = null)
    {
        int index;
        lock (_gate)
        {
            index = restartOf?.Index ?? (_lastIndex[definition.AppName] = _lastIndex.GetValueOrDefault(definition.AppName) + 1);
        }

        var name = $"{definition.AppName}#{index}";
        var port = restartOf?.Port ?? (_options.Ports == MeshPortMode.Fixed && index == 1 ? definition.DefaultPort : 0);
        var announceFile = Path.Combine(_runDirectory, $"{definition.AppName}-{index}.url");
        var managementFile = announceFile + ".management";
        // A restart must not read the crashed process's announcements.
        File.Delete(announceFile);
        File.Delete(managementFile);
        var info = ManagedProcessStartInfo.ForDotnet(name, _dlls[definition.AppName]);
        info.OnOutput = _options.OnOutput;
        // Management endpoints (metrics, routes, info) answer on their own port only: app port + 1000 in fixed
        // mode, a free one otherwise (announced beside the main URL), the same one again on a restart. Set first,
        // so options can override it.
        var managementPort = restartOf is not null ? restartOf.ManagementUrl?.Port ?? 0 : port == 0 ? 0 : port + ManagementPortOffset;
        info.Environment["Management__Port"] = Invariant(managementPort);
        foreach (var (key, value) in BuildEnvironment(definition, index, name, port, announceFile))
        {
            info.Environment[key] = value;
        }

        Progress($"starting {name} on {(port == 0 ? "a free port" : $"port {port}")}");
        var clock = Stopwatch.StartNew();
        var process = ManagedProcess.Start(info);
        Track(process, definition.Role == MeshRole.Discovery ? DiscoveryTier : AppTier);

        Uri? baseUrl = null;
        await WaitUntilAsync(process, "listening (no announce file)", async _ =>
        {
            if (!File.Exists(announceFile))
            {
                return $"{announceFile} not written yet";
            }

            var text = (await File.ReadAllTextAsync(announceFile, token).ConfigureAwait(false)).Trim();
            return Uri.TryCreate(text, UriKind.Absolute, out baseUrl) ? null : $"announce file holds '{text}', not a URL";
        }, token).ConfigureAwait(false);

        var managementUrl = File.Exists(managementFile) && Uri.TryCreate((await File.ReadAllTextAsync(managementFile, token).ConfigureAwait(false)).Trim(), UriKind.Absolute, out var read)
            ? read
            : null;
        var instance = new MeshInstance(definition, index, baseUrl!, process, managementUrl, restartOf is null ? 0 : restartOf.Restarts + 1);
        lock (_gate)
        {
            // A restarted instance takes the crashed one's place, so GetInstance(name) finds the live process.
            if (restartOf is not null)
            {
                _instances.Remove(restartOf);
            }

            _instances.Add(instance);
        }

        // Asked on the management port when there is one: its answer has the components' details (errors, brokers),
        // which make a startup timeout message worth reading; the main port answers statuses only.
        var healthUrl = new Uri(instance.ManagementUrl ?? instance.BaseUrl, "actuator/health");
        await WaitUntilAsync(process, "healthy", async t =>
        {
            var (status, body) = await GetAsync(healthUrl, t).ConfigureAwait(false);
            return status == HttpStatusCode.OK && MeshProbes.IsUp(body) ? null : $"HTTP {(int)status}: {MeshProbes.Abbreviate(body)}";
        }, token).ConfigureAwait(false);
        Progress($"{name} healthy in {Seconds(clock)} at {instance.BaseUrl} (pid {instance.Pid})");
        if (instance.ManagementUrl is { } management)
        {
            Progress($"{name} management at {management}");
        }
        return instance;
    }

    private Dictionary<string, string?> BuildEnvironment(MeshServiceDefinition definition, int index, string name, int port, string announceFile)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            // ASP.NET Core reads ASPNETCORE_* after DOTNET_*, so inherited values would override ours.
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["HTTP_PORTS"] = null,
            ["HTTPS_PORTS"] = null,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Mesh__AnnounceFile"] = announceFile,
            // Children stop when our end of their stdin closes, so none outlives a killed launcher.
            ["Mesh__ExitOnStdinClose"] = "true",
            ["Eureka__Instance__HostName"] = "127.0.0.1",
            ["Eureka__Instance__LeaseRenewalIntervalInSeconds"] = Invariant(_options.LeaseRenewalIntervalSeconds),
            ["Eureka__Instance__LeaseExpirationDurationInSeconds"] = Invariant(_options.LeaseExpirationDurationSeconds),
            ["Eureka__Client__RegistryFetchIntervalSeconds"] = Invariant(_options.RegistryFetchIntervalSeconds),
            ["Kafka__BootstrapServers"] = KafkaBootstrapServers,
        };

        if (definition.Role == MeshRole.Discovery)
        {
            env["Eureka__Client__ShouldRegisterWithEureka"] = "false";
            env["Eureka__Client__ShouldFetchRegistry"] = "false";
            // A standalone server: no peers (its port may not be known before it starts anyway).
            env["Eureka__Client__ServiceUrl"] = "";
            // Every app of the catalog gets a secret, so an instance added later can register too.
            foreach (var (key, value) in _credentials.DiscoveryEnvironment())
            {
                env[key] = value;
            }
            var credentialsFile = Path.Combine(DataDirectory, MeshCredentials.FileName);
            _credentials.WriteFile(credentialsFile);
            Progress($"discovery credentials of this run (for outside Eureka clients): {credentialsFile}");
            // A development mesh, as Spring advises for one: a handful of instances coming and going
            // would trip self-preservation, and dead instances should leave within a few seconds.
            env["Discovery__SelfPreservation__Enabled"] = "false";
            env["Discovery__EvictionIntervalSeconds"] = Invariant(Math.Max(1, _options.LeaseExpirationDurationSeconds / 5));
        }
        else
        {
            env["Eureka__Client__ServiceUrl"] = _credentials.ServiceUrlFor(definition.AppName, EurekaServiceUrl);
        }

        if (definition.OwnsData)
        {
            var database = _options.Databases.TryGetValue(definition.AppName, out var given)
                ? given
                : new MeshDatabase("Sqlite", $"Data Source={Path.Combine(DataDirectory, definition.AppName + ".db")}");
            env["Database__Provider"] = database.Provider;
            env["ConnectionStrings__Default"] = database.ConnectionString;
        }

        // The key that seals verification and reset tokens in identity.events: fresh per run, for these two only.
        if (definition.AppName is "identity-service" or "notification-service")
        {
            env["AccountTokens__EncryptionKey"] = AccountTokensKey;
        }

        // The key that seals supplier feeds' credentials at rest: fresh per run, for product-service only.
        if (definition.AppName is "product-service")
        {
            env["Feeds__CredentialKey"] = FeedCredentialKey;
        }

        // Services without demo data ignore the setting.
        if (_options.SeedDemoData)
        {
            env["Demo__SeedData"] = "true";
        }

        if (_options.ZipkinEndpoint is { } zipkin)
        {
            env["Zipkin__Endpoint"] = zipkin;
        }

        foreach (var (key, value) in SmtpEnvironment(definition.AppName, SmtpEndPoint))
        {
            env[key] = value;
        }

        foreach (var (key, value) in PaymentProviderEnvironment(definition.AppName, _paymentSandbox?.BaseUrl, PaymentCredentials))
        {
            env[key] = value;
        }

        foreach (var (key, value) in _options.Environment)
        {
            env[key] = value;
        }

        if (_options.AppEnvironment.TryGetValue(definition.AppName, out var perApp))
        {
            foreach (var (key, value) in perApp)
            {
                env[key] = value;
            }
        }

        _options.ConfigureEnvironment?.Invoke(new MeshInstanceEnvironment(definition, index, name, port, env));
        return env;
    }

    /// <summary>
    /// What notification-service (the one app that sends mail) is told about the mesh's SMTP server: a local
    /// development server, so plain SMTP on loopback without a login. Nothing for other apps or without a server.
    /// </summary>
    internal static Dictionary<string, string> SmtpEnvironment(string appName, DnsEndPoint? smtp) =>
        appName != "notification-service" || smtp is null
            ? []
            : new()
            {
                ["Smtp__Host"] = smtp.Host,
                ["Smtp__Port"] = Invariant(smtp.Port),
                ["Smtp__Security"] = "None",
            };

    /// <summary>
    /// What payment-service (the one app that talks to the payment provider) is told about the mesh's sandbox: its URL,
    /// API key and webhook secret. Nothing for other apps or without a sandbox.
    /// </summary>
    internal static Dictionary<string, string> PaymentProviderEnvironment(string appName, Uri? sandboxUrl, MeshPaymentCredentials credentials) =>
        appName != PaymentServiceApp || sandboxUrl is null
            ? []
            : new()
            {
                ["Payment__Provider__BaseUrl"] = sandboxUrl.ToString().TrimEnd('/'),
                ["Payment__Provider__ApiKey"] = credentials.ApiKey,
                ["Payment__Provider__WebhookSecret"] = credentials.WebhookSecret,
            };

    private async Task WaitRegisteredAsync(MeshInstance instance, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var uri = new Uri(DiscoveryUrl, $"eureka/apps/{Uri.EscapeDataString(instance.Definition.EurekaAppName)}");
        await WaitUntilAsync(instance.Process, "registered with discovery", async t =>
        {
            var (status, body) = await GetAsync(uri, t).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                return $"GET {uri} gave HTTP {(int)status}";
            }

            var registered = MeshProbes.EurekaInstances(body);
            return registered.Any(r => r.Port == instance.Port && string.Equals(r.Status, "UP", StringComparison.OrdinalIgnoreCase))
                ? null
                : $"registered instances: {Describe(registered.Select(r => $"{r.Port} {r.Status}"))}";
        }, token).ConfigureAwait(false);
        Progress($"{instance.Name} registered with discovery in {Seconds(clock)}");
    }

    private async Task WaitRoutedAsync(MeshInstance gateway, string appName, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var uri = new Uri(gateway.ManagementUrl ?? gateway.BaseUrl, "actuator/gateway/routes");
        var expected = 0;
        await WaitUntilAsync(gateway.Process, $"routing {appName} to all its instances", async t =>
        {
            var wanted = GetInstances(appName).Select(i => i.Port).ToList();
            List<int> gone;
            lock (_gate)
            {
                gone = [.. _stoppedPorts.Where(s => string.Equals(s.App, appName, StringComparison.OrdinalIgnoreCase)).Select(s => s.Port)];
            }

            expected = wanted.Count;
            var (status, body) = await GetAsync(uri, t).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                return $"GET {uri} gave HTTP {(int)status}";
            }

            var ports = MeshProbes.GatewayDestinationPorts(body, appName);
            if (ports is null)
            {
                return $"no cluster '{appName}' yet";
            }

            return wanted.All(ports.Contains) && !gone.Any(ports.Contains)
                ? null
                : $"destinations on ports {Describe(ports.Select(p => p.ToString(CultureInfo.InvariantCulture)))}, instances on {Describe(wanted.Select(p => p.ToString(CultureInfo.InvariantCulture)))}";
        }, token).ConfigureAwait(false);
        Progress($"{gateway.Name} routes {appName} to {expected} instance(s) ({Seconds(clock)})");
    }

    /// <summary>
    /// Polls <paramref name="probe"/> (null = done, else a description of the current state) until done, the
    /// process exits, or <see cref="MeshHostOptions.ReadyTimeout"/> passes.
    /// </summary>
    private async Task WaitUntilAsync(ManagedProcess process, string goal, Func<CancellationToken, Task<string?>> probe, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var state = "no answer yet";
        while (true)
        {
            if (process.HasExited)
            {
                var code = await process.Exited.ConfigureAwait(false);
                throw new MeshStartupException(process.Name, $"{process.Name} exited with code {code} while waiting for it to be {goal}", process.GetRecentLines());
            }

            token.ThrowIfCancellationRequested();
            try
            {
                if (await probe(token).ConfigureAwait(false) is not { } current)
                {
                    return;
                }

                state = current;
            }
            catch (HttpRequestException ex)
            {
                state = ex.Message;
            }
            catch (TaskCanceledException) when (!token.IsCancellationRequested)
            {
                state = "request timed out";
            }
            catch (JsonException ex)
            {
                state = $"unreadable JSON: {ex.Message}";
            }
            catch (IOException ex)
            {
                state = ex.Message;
            }

            if (clock.Elapsed >= _options.ReadyTimeout)
            {
                throw new MeshStartupException(process.Name,
                    $"{process.Name} was not {goal} within {_options.ReadyTimeout.TotalSeconds:0}s (last check: {state})",
                    process.GetRecentLines());
            }

            await Task.Delay(PollInterval, token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs steps concurrently; the first failure cancels the rest, and the error reported is the real cause
    /// (a startup error or an unexpected exit), not a sibling's cancellation.
    /// </summary>
    private async Task RunStageAsync(IEnumerable<Func<CancellationToken, Task>> steps, CancellationToken token)
    {
        ThrowIfFailed();
        using var stage = CancellationTokenSource.CreateLinkedTokenSource(token);
        var tasks = steps.Select(async step =>
        {
            try
            {
                await step(stage.Token).ConfigureAwait(false);
            }
            catch
            {
                await stage.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToList();

        var all = Task.WhenAll(tasks);
        try
        {
            await all.ConfigureAwait(false);
        }
        catch (Exception) when (!token.IsCancellationRequested || _failure.Task.IsCompleted)
        {
            var cause = all.Exception?.InnerExceptions.FirstOrDefault(e => e is MeshStartupException or ArgumentException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }

            ThrowIfFailed();
            throw;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure.Task.IsCompletedSuccessfully)
        {
            var failure = _failure.Task.Result;
            throw new MeshStartupException(failure.Name, $"{failure.Summary} during startup", failure.LastLines);
        }
    }

    private void Track(ManagedProcess process, int tier)
    {
        lock (_gate)
        {
            _processes.Add((process, tier));
        }

        _ = process.Exited.ContinueWith(
            t => OnExited(process, t.IsCompletedSuccessfully ? t.Result : -1),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnExited(ManagedProcess process, int exitCode)
    {
        if (_stopping || process.StopRequested)
        {
            return;
        }

        if (_options.RestartCrashedInstances && _ready)
        {
            MeshInstance? crashed;
            lock (_gate)
            {
                // A process of an instance being restarted is the restart loop's to handle.
                if (_restarting.Contains(process.Name))
                {
                    _exitsWhileRestarting[process.Name] = exitCode;
                    return;
                }

                crashed = _instances.FirstOrDefault(i => ReferenceEquals(i.Process, process));
                if (crashed is not null)
                {
                    _restarting.Add(crashed.Name);
                }
            }

            if (crashed is not null)
            {
                _ = RestartAsync(crashed, exitCode);
                return;
            }
        }

        var failure = new MeshProcessFailure(process.Name, exitCode, process.GetRecentLines());
        if (!_failure.TrySetResult(failure))
        {
            return;
        }

        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            ProcessFailed?.Invoke(failure);
        }
        catch (Exception)
        {
            // A subscriber's bug must not hide the failure; Failure still carries it.
        }
    }

    /// <summary>
    /// Starts a crashed instance again on its port after its back-off, until it is healthy and registered, or leaves
    /// it down after repeated fast crashes. The rest of the mesh keeps serving meanwhile.
    /// </summary>
    private async Task RestartAsync(MeshInstance crashed, int exitCode)
    {
        var name = crashed.Name;
        CrashBackoff backoff;
        lock (_gate)
        {
            if (!_backoffs.TryGetValue(name, out backoff!))
            {
                backoff = _backoffs[name] = _options.RestartBackoff();
            }
        }

        var uptime = crashed.Uptime;
        var cause = $"exited unexpectedly with code {exitCode}";
        var handedOver = false;
        try
        {
            // Ctrl+C reaches the children too (one process group): one that exits from it a moment before the
            // launcher disposes the host has not crashed, and is not announced as a restart.
            await Task.Delay(TimeSpan.FromMilliseconds(500), _lifetime.Token).ConfigureAwait(false);
            while (true)
            {
                var decision = backoff.OnCrash(uptime);
                if (decision.GiveUp)
                {
                    Progress($"{name} {cause}; it crashed {backoff.MaxFastCrashes + 1} times in a row within {backoff.FastCrashWindow.TotalSeconds:0} s of starting, so it stays down");
                    lock (_gate)
                    {
                        _givenUp.Add(name);
                    }

                    Raise(InstanceGivenUp, name);
                    return;
                }

                Progress($"{name} {cause}; restart {decision.Restart} in {decision.Delay.TotalSeconds:0.#} s");
                await Task.Delay(decision.Delay, _lifetime.Token).ConfigureAwait(false);
                var clock = Stopwatch.StartNew();
                try
                {
                    var instance = await LaunchAsync(crashed.Definition, _lifetime.Token, crashed).ConfigureAwait(false);
                    crashed = instance;
                    await WaitRegisteredAsync(instance, _lifetime.Token).ConfigureAwait(false);
                    lock (_gate)
                    {
                        // Under the lock OnExited uses: an exit from now on starts a new restart loop, and one
                        // before it was parked here for this loop.
                        handedOver = !_exitsWhileRestarting.Remove(name, out exitCode);
                        if (handedOver)
                        {
                            _restarting.Remove(name);
                        }
                    }

                    if (handedOver)
                    {
                        Progress($"{name} restarted (pid {instance.Pid}, restart {instance.Restarts})");
                        Raise(InstanceRestarted, instance);
                        return;
                    }

                    cause = $"exited unexpectedly with code {exitCode}";
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !_lifetime.IsCancellationRequested)
                {
                    // Exited or never became ready: stop what is left of it and count it as a fast crash.
                    await StopLeftoverAsync(name).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _exitsWhileRestarting.Remove(name);
                    }

                    cause = $"did not come back ({ex.Message})";
                }

                uptime = clock.Elapsed;
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The mesh is stopping.
        }
        finally
        {
            if (!handedOver)
            {
                lock (_gate)
                {
                    _restarting.Remove(name);
                    _exitsWhileRestarting.Remove(name);
                }
            }
        }
    }

    private async Task StopLeftoverAsync(string name)
    {
        List<ManagedProcess> leftovers;
        lock (_gate)
        {
            leftovers = [.. _processes.Select(p => p.Process).Where(p => p.Name == name && !p.HasExited)];
        }

        foreach (var process in leftovers)
        {
            await process.StopAsync(_options.StopGrace).ConfigureAwait(false);
        }
    }

    private static void Raise<T>(Action<T>? handler, T value)
    {
        try
        {
            handler?.Invoke(value);
        }
        catch (Exception)
        {
            // A subscriber's bug must not stop the restart loop.
        }
    }

    private MeshInstance MarkStopped(string name)
    {
        var instance = GetInstance(name);
        lock (_gate)
        {
            _stoppedPorts.Add((instance.AppName, instance.Port));
        }

        return instance;
    }

    private List<string> StartedServiceApps()
    {
        lock (_gate)
        {
            return [.. _instances.Where(i => i.Definition.Role is MeshRole.Service or MeshRole.Frontend).Select(i => i.AppName).Distinct(StringComparer.OrdinalIgnoreCase)];
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(Uri uri, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, token).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
        return (response.StatusCode, body);
    }

    private void Progress(string message)
    {
        try
        {
            _options.OnProgress?.Invoke(message);
        }
        catch (Exception)
        {
            // Progress is informational; a failing sink must not fail the mesh.
        }
    }

    private static string Seconds(Stopwatch clock) => $"{clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
