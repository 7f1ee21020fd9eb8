namespace EStore.Mesh;

/// <summary>One running process of the mesh (not the broker).</summary>
public sealed class MeshInstance
{
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

    internal MeshInstance(MeshServiceDefinition definition, int index, Uri baseUrl, ManagedProcess process, Uri? managementUrl = null, int restarts = 0)
    {
        Definition = definition;
        Index = index;
        BaseUrl = baseUrl;
        Process = process;
        ManagementUrl = managementUrl;
        Restarts = restarts;
    }

    /// <summary>The instance name, e.g. <c>product-service#1</c>.</summary>
    public string Name => Process.Name;

    /// <summary>The app name, e.g. <c>product-service</c>.</summary>
    public string AppName => Definition.AppName;

    /// <summary>What was started.</summary>
    public MeshServiceDefinition Definition { get; }

    /// <summary>The instance number, from 1.</summary>
    public int Index { get; }

    /// <summary>The base URL the process announced, e.g. <c>http://127.0.0.1:43123/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// The base URL of its management port (<c>/actuator/metrics</c>, <c>/actuator/prometheus</c>, <c>/actuator/info</c>,
    /// the gateway's <c>/actuator/gateway/routes</c>), e.g. <c>http://127.0.0.1:9082/</c>; null when the process has none.
    /// </summary>
    public Uri? ManagementUrl { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => BaseUrl.Port;

    /// <summary>The process id.</summary>
    public int Pid => Process.Pid;

    /// <summary>The process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>How many times this instance was restarted after a crash (<see cref="MeshHostOptions.RestartCrashedInstances"/>).</summary>
    public int Restarts { get; }

    /// <summary>How long its process has been running.</summary>
    public TimeSpan Uptime => System.Diagnostics.Stopwatch.GetElapsedTime(_started);

    /// <summary>False once the process has exited.</summary>
    public bool IsRunning => !Process.HasExited;

    /// <summary>The last lines the process wrote.</summary>
    public IReadOnlyList<string> GetRecentLines(int count = 20) => Process.GetRecentLines(count);

    /// <inheritdoc />
    public override string ToString() => $"{Name} {BaseUrl} (pid {Pid})";
}

/// <summary>A process of the mesh that exited without being asked to.</summary>
/// <param name="Name">The process name, e.g. <c>product-service#1</c> or <c>broker</c>.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="LastLines">Its last log lines.</param>
public sealed record MeshProcessFailure(string Name, int ExitCode, IReadOnlyList<string> LastLines)
{
    /// <summary>One line: <c>product-service#1 exited unexpectedly with code 1</c>.</summary>
    public string Summary => $"{Name} exited unexpectedly with code {ExitCode}";

    /// <inheritdoc />
    public override string ToString() =>
        LastLines.Count == 0 ? Summary : $"{Summary}{System.Environment.NewLine}  {string.Join(System.Environment.NewLine + "  ", LastLines)}";
}
