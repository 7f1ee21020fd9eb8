using System.Net;
using EStore.Discovery.Registry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Compatibility.Tests;

/// <summary>Our discovery server on real Kestrel at 127.0.0.1 (a port chosen at start), standalone.</summary>
internal sealed class DiscoveryServer : WebApplicationFactory<Program>
{
    private DiscoveryServer(int port)
    {
        Port = port;
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public int Port { get; }

    /// <summary>Secret of the operator principal, which <see cref="Http"/> sends.</summary>
    public const string AdminSecret = "compat-admin-secret";

    /// <summary>Secret of the app eureka-js-client registers as.</summary>
    public const string JsClientSecret = "compat-jqservice-secret";

    /// <summary>Secret of the app our platform client registers as.</summary>
    public const string PlatformClientSecret = "compat-service-secret";

    public string EurekaUrl => $"http://127.0.0.1:{Port}/eureka/";

    /// <summary>The Eureka URL with an app's credential as userinfo (Spring Cloud's form).</summary>
    public string EurekaUrlFor(string app, string secret, string path = "/eureka/") => $"http://{app}:{secret}@127.0.0.1:{Port}{path}";

    public HttpClient Http { get; private set; } = null!;

    public InstanceRegistry Registry => Services.GetRequiredService<InstanceRegistry>();

    public static DiscoveryServer Start()
    {
        var port = FreePort.Next();
        var server = new DiscoveryServer(port);
        server.StartServer();
        server.Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        server.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + AdminSecret)));
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Eureka:Client:ShouldRegisterWithEureka", "false");
        builder.UseSetting("Eureka:Client:ShouldFetchRegistry", "false");
        builder.UseSetting("Eureka:Client:ServiceUrl", "");
        // Security stays on, as in production: each client must send its app's secret.
        builder.UseSetting("Discovery:Security:Apps:admin", AdminSecret);
        builder.UseSetting("Discovery:Security:Apps:jqservice", JsClientSecret);
        builder.UseSetting("Discovery:Security:Apps:compat-service", PlatformClientSecret);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}
