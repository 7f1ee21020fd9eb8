using EStore.Discovery.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Compatibility.Tests;

/// <summary>
/// Our discovery server as a kit <see cref="ServiceApp{TEntryPoint}"/> (the <c>DiscoveryServer</c> alias) on real Kestrel
/// at 127.0.0.1 (a port chosen at start), standalone. Security stays on, as in production: each client must send its
/// app's secret.
/// </summary>
internal static class DiscoveryServers
{
    extension(DiscoveryServer)
    {
        /// <summary>Secret of the operator principal, which the server's <c>Http</c> client sends.</summary>
        public static string AdminSecret => "compat-admin-secret";

        /// <summary>Secret of the app eureka-js-client registers as.</summary>
        public static string JsClientSecret => "compat-jqservice-secret";

        /// <summary>Secret of the app our platform client registers as.</summary>
        public static string PlatformClientSecret => "compat-service-secret";

        public static DiscoveryServer Start()
        {
            var server = DiscoveryServer.Start(new Dictionary<string, string?>
            {
                ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
                ["Eureka:Client:ShouldFetchRegistry"] = "false",
                ["Eureka:Client:ServiceUrl"] = "",
                ["Discovery:Security:Apps:admin"] = DiscoveryServer.AdminSecret,
                ["Discovery:Security:Apps:jqservice"] = DiscoveryServer.JsClientSecret,
                ["Discovery:Security:Apps:compat-service"] = DiscoveryServer.PlatformClientSecret,
            });
            server.Http.Timeout = TimeSpan.FromSeconds(10);
            server.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + DiscoveryServer.AdminSecret)));
            return server;
        }
    }

    extension(DiscoveryServer server)
    {
        public string EurekaUrl => $"http://127.0.0.1:{server.Port}/eureka/";

        /// <summary>The Eureka URL with an app's credential as userinfo (Spring Cloud's form).</summary>
        public string EurekaUrlFor(string app, string secret, string path = "/eureka/") => $"http://{app}:{secret}@127.0.0.1:{server.Port}{path}";

        public InstanceRegistry Registry => server.Services.GetRequiredService<InstanceRegistry>();
    }
}
