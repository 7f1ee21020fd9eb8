using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace EStore.Testing;

/// <summary>A service in this process, on real Kestrel at 127.0.0.1, started as in production by RunServiceAsync.</summary>
/// <typeparam name="TEntryPoint">The service's <c>Program</c>.</typeparam>
public sealed class ServiceApp<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings;

    private ServiceApp(int port, Dictionary<string, string?> settings)
    {
        _settings = settings;
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; private set; } = null!;

    public static Dictionary<string, string?> Settings(string bootstrapServers, string connectionString, Uri jwksUrl) => new()
    {
        ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
        ["Eureka:Client:ShouldFetchRegistry"] = "false",
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Default"] = connectionString,
        ["Kafka:BootstrapServers"] = bootstrapServers,
        ["Messaging:Relay:PollIntervalMs"] = "200",
        ["Messaging:Relay:PublishTimeoutSeconds"] = "5",
        ["Messaging:Relay:LeaseSeconds"] = "15",
        ["Jwt:JwksUrl"] = jwksUrl.ToString(),
        ["Jwt:Revocation:Enabled"] = "false",
    };

    public static ServiceApp<TEntryPoint> Start(IDictionary<string, string?> settings)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var app = new ServiceApp<TEntryPoint>(port, new Dictionary<string, string?>(settings));
        app.StartServer();
        app.Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await base.DisposeAsync();
    }
}
