namespace EStore.Mesh;

/// <summary>How to start the mock Kafka broker process.</summary>
public sealed class MeshBrokerOptions
{
    /// <summary>The broker dll; null to find <c>EStore.Broker</c> through <see cref="Layout"/>.</summary>
    public string? DllPath { get; set; }

    /// <summary>Where to look for the broker dll when <see cref="DllPath"/> is null; null to discover it.</summary>
    public RepositoryLayout? Layout { get; set; }

    /// <summary>The name its log lines carry.</summary>
    public string Name { get; set; } = "broker";

    /// <summary>Number of mock brokers.</summary>
    public int Brokers { get; set; } = 1;

    /// <summary>Topics to create up front, as <c>name</c> or <c>name:partitions</c>.</summary>
    public IList<string> Topics { get; } = [];

    /// <summary>How long to wait for the broker to print its bootstrap servers.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Receives the broker's log lines.</summary>
    public Action<ProcessLogLine>? OnOutput { get; set; }
}

/// <summary>
/// The <c>EStore.Broker</c> executable (librdkafka's mock cluster) running as a child process. It is started
/// with <c>--exit-on-stdin-close</c>, so it also stops if this process dies without disposing it.
/// </summary>
public sealed class MeshBroker : IAsyncDisposable
{
    private const string BootstrapPrefix = "BOOTSTRAP_SERVERS=";

    private MeshBroker(ManagedProcess process, string bootstrapServers)
    {
        Process = process;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The broker process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>Comma-separated <c>host:port</c> list for <c>Kafka:BootstrapServers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts the broker and waits for its <c>BOOTSTRAP_SERVERS=</c> line.</summary>
    /// <exception cref="MeshStartupException">Not built, exited early or silent past the timeout.</exception>
    public static async Task<MeshBroker> StartAsync(MeshBrokerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MeshBrokerOptions();
        var dll = options.DllPath ?? FindDll(options.Layout ?? RepositoryLayout.Discover());

        var bootstrap = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var forward = options.OnOutput;
        var info = ManagedProcessStartInfo.ForDotnet(options.Name, dll, "--exit-on-stdin-close", "--brokers", options.Brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var topic in options.Topics)
        {
            info.Arguments.Add("--topic");
            info.Arguments.Add(topic);
        }

        info.OnOutput = line =>
        {
            if (!line.IsError && line.Text.StartsWith(BootstrapPrefix, StringComparison.Ordinal))
            {
                bootstrap.TrySetResult(line.Text[BootstrapPrefix.Length..].Trim());
            }

            forward?.Invoke(line);
        };

        var process = ManagedProcess.Start(info);
        try
        {
            var first = await Task.WhenAny(bootstrap.Task, process.Exited)
                .WaitAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            if (first != bootstrap.Task)
            {
                var code = await process.Exited.ConfigureAwait(false);
                throw new MeshStartupException(options.Name, $"{options.Name} exited with code {code} before printing its bootstrap servers", process.GetRecentLines());
            }

            return new MeshBroker(process, await bootstrap.Task.ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw new MeshStartupException(options.Name, $"{options.Name} printed no {BootstrapPrefix} line within {options.StartTimeout.TotalSeconds:0}s", process.GetRecentLines());
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the broker (SIGTERM, then SIGKILL after the default grace).</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static string FindDll(RepositoryLayout layout) =>
        layout.FindDll(ServiceCatalog.BrokerProjectName)
        ?? throw new MeshStartupException("broker",
            $"the broker is not built: {layout.GetExpectedDllPath(ServiceCatalog.BrokerProjectName)} does not exist (dotnet build tools/EStore.Broker)",
            []);
}
