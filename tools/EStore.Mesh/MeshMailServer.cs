using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace EStore.Mesh;

/// <summary>The ports of the local mail server: SMTP for the services, the web inbox for people, IMAP and POP3 for mail clients.</summary>
/// <param name="Smtp">SMTP (notification-service sends here).</param>
/// <param name="Web">The web inbox and its HTTP API (<c>/api/messages</c>).</param>
/// <param name="Imap">IMAP, off its default 143 (which needs root and may be taken).</param>
/// <param name="Pop3">POP3, off its default 110 for the same reasons.</param>
public sealed record MeshMailPorts(int Smtp, int Web, int Imap, int Pop3)
{
    /// <summary>The ports of <c>./estore up</c>: SMTP 1025, inbox 8025, IMAP 1143, POP3 1110.</summary>
    public static MeshMailPorts Fixed { get; } = new(1025, 8025, 1143, 1110);

    /// <summary>Four distinct loopback ports free now (held together while chosen, so none repeats).</summary>
    public static MeshMailPorts Free()
    {
        var listeners = Enumerable.Range(0, 4).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return new MeshMailPorts(ports[0], ports[1], ports[2], ports[3]);
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

/// <summary>How to start the local mail server (<see cref="MeshMailServer"/>).</summary>
public sealed class MeshMailServerOptions
{
    /// <summary>The repository whose tool manifest (<c>.config/dotnet-tools.json</c>) names smtp4dev; null to discover it.</summary>
    public RepositoryLayout? Layout { get; set; }

    /// <summary>Where smtp4dev keeps its database (a <c>smtp4dev</c> folder is made inside); required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The ports to listen on (all on 127.0.0.1).</summary>
    public MeshMailPorts Ports { get; set; } = MeshMailPorts.Fixed;

    /// <summary>The name its log lines carry.</summary>
    public string Name { get; set; } = "smtp4dev";

    /// <summary>How long it may take until SMTP and the web inbox answer (the first start migrates its database).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives its log lines.</summary>
    public Action<ProcessLogLine>? OnOutput { get; set; }

    /// <summary>Receives progress messages (such as restoring the tool).</summary>
    public Action<string>? OnProgress { get; set; }
}

/// <summary>
/// smtp4dev, the repository's .NET tool (<c>Rnwood.Smtp4dev</c> in <c>.config/dotnet-tools.json</c>), running as a
/// child process: it accepts every mail on its SMTP port and shows it in a web inbox. Its entry point is run
/// directly, not through <c>dotnet tool run</c>, whose wrapper would not pass SIGTERM on and would leave it behind.
/// </summary>
public sealed class MeshMailServer : IAsyncDisposable
{
    /// <summary>The tool's package id in the manifest.</summary>
    public const string ToolPackageId = "rnwood.smtp4dev";

    private const string EntryAssembly = "Rnwood.Smtp4dev.dll";

    private MeshMailServer(ManagedProcess process, MeshMailPorts ports)
    {
        Process = process;
        Ports = ports;
        InboxUrl = new Uri($"http://localhost:{ports.Web.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The smtp4dev process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>The ports it listens on.</summary>
    public MeshMailPorts Ports { get; }

    /// <summary>Its SMTP endpoint, <c>127.0.0.1:port</c>.</summary>
    public DnsEndPoint SmtpEndPoint => new("127.0.0.1", Ports.Smtp);

    /// <summary>The web inbox, e.g. <c>http://localhost:8025/</c>; its API lists mail at <c>api/messages</c>.</summary>
    public Uri InboxUrl { get; }

    /// <summary>
    /// Starts smtp4dev and waits until SMTP accepts connections and the inbox API answers. Restores the repository's
    /// tools first when smtp4dev is not installed yet.
    /// </summary>
    /// <exception cref="MeshStartupException">It could not be installed, exited early or did not answer in time.</exception>
    public static async Task<MeshMailServer> StartAsync(MeshMailServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        var layout = options.Layout ?? RepositoryLayout.Discover();
        var dll = FindEntryAssembly(layout) ?? await RestoreAsync(layout, options, cancellationToken).ConfigureAwait(false);

        var data = Path.Combine(Path.GetFullPath(options.DataDirectory), "smtp4dev");
        Directory.CreateDirectory(data);
        var ports = options.Ports;
        var info = ManagedProcessStartInfo.ForDotnet(options.Name, dll,
            $"--baseappdatapath={data}",
            $"--db={Path.Combine(data, "smtp4dev.db")}",
            // Its own appsettings under ~/.config would override ours: ignore it.
            "--nousersettings",
            "--hostname=localhost",
            "--bindaddress=127.0.0.1",
            "--disableipv6",
            $"--smtpport={Invariant(ports.Smtp)}",
            $"--imapport={Invariant(ports.Imap)}",
            $"--pop3port={Invariant(ports.Pop3)}",
            $"--urls=http://127.0.0.1:{Invariant(ports.Web)}");
        // A development inbox: workstation GC keeps its memory small next to a dozen services.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = null;
        info.Environment["ASPNETCORE_URLS"] = null;
        info.OnOutput = options.OnOutput;

        var process = ManagedProcess.Start(info);
        try
        {
            await WaitReadyAsync(process, ports, options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return new MeshMailServer(process, ports);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Chooses the mesh's mail server and sets <paramref name="options"/> for it: with fixed ports, an SMTP server
    /// already listening on 127.0.0.1:<paramref name="smtpPort"/> (a mail catcher of the developer's own) is used and
    /// smtp4dev is not started, as Zipkin is found; otherwise, and always with free ports, smtp4dev starts.
    /// </summary>
    /// <returns>The SMTP server found, or null when smtp4dev will start.</returns>
    public static async Task<DnsEndPoint?> ChooseAsync(MeshHostOptions options, int smtpPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Ports == MeshPortMode.Fixed && await LoopbackPort.IsListeningAsync(smtpPort, cancellationToken).ConfigureAwait(false))
        {
            options.SmtpServer = new DnsEndPoint("127.0.0.1", smtpPort);
            options.StartMailServer = false;
            return options.SmtpServer;
        }

        options.SmtpServer = null;
        options.StartMailServer = true;
        return null;
    }

    /// <summary>
    /// smtp4dev's entry assembly as <c>dotnet tool restore</c> left it in the NuGet packages folder, for the version
    /// the manifest pins; null when the manifest names no smtp4dev or it is not restored.
    /// </summary>
    public static string? FindEntryAssembly(RepositoryLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (ManifestVersion(layout) is not { } version)
        {
            return null;
        }

        // .NET 10 tools may ship one package per runtime (rnwood.smtp4dev.linux-x64) beside the plain one.
        var packages = PackagesFolder();
        var roots = new[] { $"{ToolPackageId}.{RuntimeInformation.RuntimeIdentifier}", $"{ToolPackageId}.any", ToolPackageId }
            .Select(id => Path.Combine(packages, id, version, "tools"))
            .Where(Directory.Exists);
        return roots
            .SelectMany(root => Directory.EnumerateFiles(root, EntryAssembly, SearchOption.AllDirectories))
            .FirstOrDefault(path => File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")));
    }

    /// <summary>The version of smtp4dev pinned in <c>.config/dotnet-tools.json</c>; null when absent.</summary>
    public static string? ManifestVersion(RepositoryLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var manifest = Path.Combine(layout.Root, ".config", "dotnet-tools.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        return json.RootElement.TryGetProperty("tools", out var tools)
            && tools.EnumerateObject().FirstOrDefault(t => t.Name.Equals(ToolPackageId, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.Object } tool
            && tool.Value.TryGetProperty("version", out var version)
                ? version.GetString()
                : null;
    }

    /// <summary>Stops smtp4dev (SIGTERM, then SIGKILL after the default grace).</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static async Task<string> RestoreAsync(RepositoryLayout layout, MeshMailServerOptions options, CancellationToken cancellationToken)
    {
        options.OnProgress?.Invoke("smtp4dev is not installed yet: dotnet tool restore");
        var info = new ManagedProcessStartInfo("dotnet-tool-restore", ManagedProcess.DotnetHostPath) { WorkingDirectory = layout.Root };
        info.Arguments.Add("tool");
        info.Arguments.Add("restore");
        info.OnOutput = options.OnOutput;
        await using var restore = ManagedProcess.Start(info);
        var code = await restore.Exited.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        return code == 0 && FindEntryAssembly(layout) is { } dll
            ? dll
            : throw new MeshStartupException(options.Name,
                $"{options.Name} could not be installed: 'dotnet tool restore' in {layout.Root} exited with code {code}"
                + (ManifestVersion(layout) is null ? $" and .config/dotnet-tools.json names no {ToolPackageId}" : ""),
                restore.GetRecentLines());
    }

    private static async Task WaitReadyAsync(ManagedProcess process, MeshMailPorts ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var messages = new Uri($"http://127.0.0.1:{Invariant(ports.Web)}/api/messages");
        await ChildReadiness.WaitAsync(process, timeout, async token =>
        {
            // The web inbox starts last; asking SMTP only then keeps the probe to one session in its list.
            using var response = await http.GetAsync(messages, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return $"GET {messages} gave HTTP {(int)response.StatusCode}";
            }

            await SmtpGreetingAsync(ports.Smtp, token).ConfigureAwait(false);
            return null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects and reads the greeting: an SMTP server answers <c>220</c> before the client says anything.</summary>
    private static async Task SmtpGreetingAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
        using var reader = new StreamReader(client.GetStream());
        var greeting = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (greeting?.StartsWith("220", StringComparison.Ordinal) != true)
        {
            throw new IOException($"SMTP on port {port} greeted with '{greeting}', not 220");
        }
    }

    private static string PackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
