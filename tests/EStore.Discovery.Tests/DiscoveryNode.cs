using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using EStore.Platform.Health;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Discovery.Tests;

/// <summary>
/// A discovery server as a kit <see cref="ServiceApp{TEntryPoint}"/> (the <c>DiscoveryNode</c> alias) on real Kestrel at
/// 127.0.0.1:{port}, on the real clock, for peer tests. Ports are chosen before start so that each node can name the
/// other in its peer list.
/// </summary>
internal static class DiscoveryNodes
{
    extension(DiscoveryNode)
    {
        public static string EurekaUrlOf(int port) => $"http://127.0.0.1:{port}/eureka/";

        /// <summary>The URL a peer configures: with the <c>discovery</c> credential as userinfo, Spring Cloud's form.</summary>
        public static string PeerUrlOf(int port) => $"http://discovery:{TestCredentials.PeerSecret}@127.0.0.1:{port}/eureka/";

        /// <summary>Starts a node on <paramref name="port"/> whose peers are <paramref name="peerUrls"/> (its own URL may be among them).</summary>
        public static DiscoveryNode Start(int port, IEnumerable<string> peerUrls, IDictionary<string, string?>? settings = null)
        {
            var all = new Dictionary<string, string?>
            {
                ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
                ["Eureka:Client:ShouldFetchRegistry"] = "false",
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
            var node = DiscoveryNode.Start(all, port: port);
            node.Http.Timeout = TimeSpan.FromSeconds(10);
            node.Http.DefaultRequestHeaders.Authorization = TestCredentials.Admin;
            return node;
        }
    }

    extension(DiscoveryNode node)
    {
        /// <summary>The management base URL, where health shows its details; null unless <c>Management:Port</c> was set.</summary>
        public Uri? ManagementUrl => node.Services.GetRequiredService<ManagementPort>().Url;

        /// <summary>The node's Eureka service URL, as peers and clients configure it.</summary>
        public string EurekaUrl => DiscoveryNode.EurekaUrlOf(node.Port);

        public InstanceRegistry Registry => node.Services.GetRequiredService<InstanceRegistry>();

        public PeerDirectory Peers => node.Services.GetRequiredService<PeerDirectory>();

        public RegistrySyncService Sync => node.Services.GetRequiredService<RegistrySyncService>();
    }
}
