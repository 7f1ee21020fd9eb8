using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Testing;

/// <summary>A service in this process, on real Kestrel at 127.0.0.1, started as in production by RunServiceAsync.</summary>
/// <typeparam name="TEntryPoint">The service's <c>Program</c>.</typeparam>
public sealed class ServiceApp<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _testServices;

    private ServiceApp(int port, Dictionary<string, string?> settings, Action<IServiceCollection>? testServices)
    {
        Port = port;
        _settings = settings;
        _testServices = testServices;
        if (settings.ContainsKey("Management:Port"))
        {
            // The platform then listens on the main address (from urls) and on the management port itself.
            _settings["urls"] = $"http://127.0.0.1:{port}";
            UseKestrel();
        }
        else
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        }
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The Kestrel port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for <see cref="BaseAddress"/>, disposed with the app.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The database the service was started on (<c>ConnectionStrings:Default</c>).</summary>
    public string ConnectionString => _settings["ConnectionStrings:Default"]!;

    /// <summary>Settings for a service under test: no Eureka, the given PostgreSQL database and broker, a fast outbox relay.</summary>
    public static Dictionary<string, string?> Settings(string bootstrapServers, string connectionString) => new()
    {
        ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
        ["Eureka:Client:ShouldFetchRegistry"] = "false",
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Default"] = connectionString,
        ["Kafka:BootstrapServers"] = bootstrapServers,
        ["Messaging:Relay:PollIntervalMs"] = "200",
        ["Messaging:Relay:PublishTimeoutSeconds"] = "5",
        ["Messaging:Relay:LeaseSeconds"] = "15",
    };

    /// <summary>
    /// <see cref="Settings(string, string)"/> for a service that checks tokens against <paramref name="jwksUrl"/>
    /// (see <see cref="TestTokens"/>), without the revocation feed.
    /// </summary>
    public static Dictionary<string, string?> Settings(string bootstrapServers, string connectionString, Uri jwksUrl)
    {
        var settings = Settings(bootstrapServers, connectionString);
        settings["Jwt:JwksUrl"] = jwksUrl.ToString();
        settings["Jwt:Revocation:Enabled"] = "false";
        return settings;
    }

    /// <summary>
    /// Starts the service with <paramref name="settings"/>; <paramref name="testServices"/> replaces services after the
    /// service registered its own (a test clock, a database interceptor). <paramref name="port"/> is for services that
    /// must be named before they start (peers); by default a free one.
    /// </summary>
    public static ServiceApp<TEntryPoint> Start(
        IDictionary<string, string?> settings, Action<IServiceCollection>? testServices = null, int? port = null)
    {
        var app = new ServiceApp<TEntryPoint>(port ?? FreePort.Next(), new Dictionary<string, string?>(settings), testServices);
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
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            logging.AddFilter("EStore", LogLevel.Warning);
        });
        if (_testServices is not null)
        {
            builder.ConfigureTestServices(_testServices);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await base.DisposeAsync();
    }
}
