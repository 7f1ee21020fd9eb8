using System.Net;
using System.Net.Sockets;
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

    public string EurekaUrl => $"http://127.0.0.1:{Port}/eureka/";

    public HttpClient Http { get; private set; } = null!;

    public InstanceRegistry Registry => Services.GetRequiredService<InstanceRegistry>();

    public static DiscoveryServer Start()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var server = new DiscoveryServer(port);
        server.StartServer();
        server.Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Eureka:Client:ShouldRegisterWithEureka", "false");
        builder.UseSetting("Eureka:Client:ShouldFetchRegistry", "false");
        builder.UseSetting("Eureka:Client:ServiceUrl", "");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}
