using System.Net;
using System.Net.Sockets;
using EStore.Identity.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>
/// identity-service in this process (Program runs as in production: RunServiceAsync applies the migrations,
/// the first key and the admin before the factory's server start returns) on real Kestrel at 127.0.0.1 (so other services can fetch its JWKS),
/// against its own PostgreSQL database and the mock broker, on a <see cref="TestClock"/>.
/// </summary>
public sealed class IdentityApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "root@estore.test";
    public const string AdminPassword = "admin password for tests";

    /// <summary>The <c>AccountTokens:EncryptionKey</c> of every test instance (what notification-service would hold).</summary>
    public static readonly string AccountTokensKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly Dictionary<string, string?> _settings;

    private IdentityApp(int port, Dictionary<string, string?> settings)
    {
        Port = port;
        _settings = settings;
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public Uri JwksUrl => new(BaseAddress, ".well-known/jwks.json");

    public TestClock Clock { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public string ConnectionString => _settings["ConnectionStrings:Default"]!;

    /// <summary>Settings for tests: fast relay, no mail cooldown, a configured admin.</summary>
    public static Dictionary<string, string?> DefaultSettings(string bootstrapServers, string connectionString) => new()
    {
        ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
        ["Eureka:Client:ShouldFetchRegistry"] = "false",
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Default"] = connectionString,
        ["Kafka:BootstrapServers"] = bootstrapServers,
        ["Kafka:Consumer:session.timeout.ms"] = "6000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "500",
        ["Messaging:Relay:PollIntervalMs"] = "200",
        ["Messaging:Relay:PublishTimeoutSeconds"] = "5",
        ["Messaging:Relay:LeaseSeconds"] = "15",
        ["Messaging:Consumer:CommitIntervalMs"] = "200",
        ["Identity:Mail:CooldownSeconds"] = "0",
        ["Identity:Mail:PollMilliseconds"] = "50",
        ["Identity:Admin:Email"] = AdminEmail,
        ["Identity:Admin:Password"] = AdminPassword,
        ["AccountTokens:EncryptionKey"] = AccountTokensKey,
        // Many tests log in and register from one address; RateLimitTests sets its own limits.
        ["Identity:RateLimits:Login:PermitLimit"] = "100000",
        ["Identity:RateLimits:Register:PermitLimit"] = "100000",
        ["Identity:RateLimits:ForgotPassword:PermitLimit"] = "100000",
        ["Identity:RateLimits:ResetPassword:PermitLimit"] = "100000",
        ["Identity:RateLimits:ResendVerification:PermitLimit"] = "100000",
    };

    public static IdentityApp Start(IDictionary<string, string?> settings)
    {
        var app = new IdentityApp(FreePort(), new Dictionary<string, string?>(settings));
        app.StartServer();
        app.Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        return app;
    }

    public IdentityDbContext CreateDbContext(out IServiceScope scope)
    {
        scope = Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
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
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.ConfigureDbContext<IdentityDbContext>(options => options.AddInterceptors(new DbRoundTrips()));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await base.DisposeAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
