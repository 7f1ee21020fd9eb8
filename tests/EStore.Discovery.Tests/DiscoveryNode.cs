using System.Net;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using EStore.Platform.Health;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Discovery.Tests;

/// <summary>
/// A discovery server on real Kestrel at 127.0.0.1:{port}, on the real clock, for peer tests.
/// Ports are chosen before start so that each node can name the other in its peer list.
/// </summary>
internal sealed class DiscoveryNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private DiscoveryNode(int port, Dictionary<string, string?> settings)
    {
        Port = port;
        _settings = settings;
        if (settings.ContainsKey("Management:Port"))
        {
            // The platform listens on the main address (from urls) and the management port itself.
            _settings["urls"] = $"http://127.0.0.1:{port}";
            UseKestrel();
        }
        else
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        }
    }

    public int Port { get; }

    /// <summary>The management base URL, where health shows its details; null unless <c>Management:Port</c> was set.</summary>
    public Uri? ManagementUrl => Services.GetRequiredService<ManagementPort>().Url;

    /// <summary>The node's Eureka service URL, as peers and clients configure it.</summary>
    public string EurekaUrl => EurekaUrlOf(Port);

    public HttpClient Http { get; private set; } = null!;

    public InstanceRegistry Registry => Services.GetRequiredService<InstanceRegistry>();

    public PeerDirectory Peers => Services.GetRequiredService<PeerDirectory>();

    public RegistrySyncService Sync => Services.GetRequiredService<RegistrySyncService>();

    public static string EurekaUrlOf(int port) => $"http://127.0.0.1:{port}/eureka/";

    /// <summary>The URL a peer configures: with the <c>discovery</c> credential as userinfo, Spring Cloud's form.</summary>
    public static string PeerUrlOf(int port) => $"http://discovery:{TestCredentials.PeerSecret}@127.0.0.1:{port}/eureka/";

    /// <summary>Starts a node on <paramref name="port"/> whose peers are <paramref name="peerUrls"/> (its own URL may be among them).</summary>
    public static DiscoveryNode Start(int port, IEnumerable<string> peerUrls, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Eureka:Client:ServiceUrl"] = string.Join(",", peerUrls),
            // Fast batches and retries keep the tests short; the logic is the same.
            ["Discovery:Peers:BatchWindowMilliseconds"] = "50",
            ["Discovery:Peers:RegistrySyncRetryWaitSeconds"] = "1",
            ["Discovery:SelfPreservation:Enabled"] = "false",
        };
        foreach (var (key, value) in TestCredentials.Settings.Concat(settings ?? new Dictionary<string, string?>()))
        {
            all[key] = value;
        }
        var node = new DiscoveryNode(port, all);
        node.StartServer();
        node.Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        node.Http.DefaultRequestHeaders.Authorization = TestCredentials.Admin;
        return node;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Eureka:Client:ShouldRegisterWithEureka", "false");
        builder.UseSetting("Eureka:Client:ShouldFetchRegistry", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}
