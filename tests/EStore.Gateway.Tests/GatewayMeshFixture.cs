using System.Net.Http.Json;
using System.Text.Json;
using EStore.Mesh;

namespace EStore.Gateway.Tests;

/// <summary>
/// Broker, discovery, three gateways (the second with <c>Gateway:RequireAuthForPublicReads=true</c> and a short API
/// document cache, the third trusting the test's own signing key instead of identity-service's, with a small
/// per-user rate limit), identity-service
/// and product-service as real processes on PostgreSQL, the storefront (web) behind the catch-all route, plus the in-test <see cref="EchoService"/> routed at
/// <c>/api/echo/*</c> (authenticated) and <c>/api/echo-public/*</c> (anonymous); <c>/api/scale-echo/*</c> routes
/// round robin to <see cref="ScaleEchoApp"/>, which tests start and stop instances of.
/// Shared by the <see cref="GatewayMeshCollection"/>.
/// </summary>
public sealed class GatewayMeshFixture : IAsyncLifetime
{
    public const string AdminEmail = "root@gateway.test";
    public const string AdminPassword = "admin password for gateway tests";
    public const string CorsOrigin = "http://shop.example";
    public const int MaxBodyBytes = 64 * 1024;
    public const int StrictPermits = 5;
    public const int StrictWindowSeconds = 10;

    /// <summary>Gateway #3's per-user window (per IP for anonymous callers): requests per minute.</summary>
    public const int TestKeyGatewayPerUserPermits = 20;

    /// <summary>How long gateway #2 keeps a fetched API document (gateway #1 keeps the default 30 s).</summary>
    public const int ApiDocsCacheSeconds = 3;

    /// <summary>The app name of the echo instances behind <c>/api/scale-echo/*</c>.</summary>
    public const string ScaleEchoApp = "scale-echo-service";

    private readonly string _identityDatabase = TestPostgres.NewDatabase("gw_identity");
    private readonly string _productDatabase = TestPostgres.NewDatabase("gw_product");

    public MeshHost Mesh { get; private set; } = null!;

    public EchoService Echo { get; private set; } = null!;

    /// <summary>Gateway #1: public reads are public.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>Gateway #1's management port: <c>/actuator/gateway/routes</c>, metrics, info.</summary>
    public HttpClient GatewayManagement { get; private set; } = null!;

    /// <summary>Gateway #2: public reads need a token.</summary>
    public HttpClient PublicReadsLockedGateway { get; private set; } = null!;

    /// <summary>Gateway #3: trusts only <see cref="Tokens"/>' key, so tests can sign any token it must judge.</summary>
    public HttpClient TestKeyGateway { get; private set; } = null!;

    /// <summary>Gateway #3's management port: where tests see what it routes (no API traffic, no rate limit spent).</summary>
    public Uri TestKeyGatewayManagement { get; private set; } = null!;

    /// <summary>The signing key and JWKS that gateway #3 trusts.</summary>
    public TestTokens Tokens { get; private set; } = null!;

    /// <summary>
    /// The Eureka URL in-test services register through: with the operator credential as userinfo,
    /// since their app names have no secret of their own in the mesh.
    /// </summary>
    public Uri EchoEurekaUrl => new(Mesh.Credentials.ServiceUrlFor(MeshCredentials.AdminPrincipal, Mesh.EurekaServiceUrl));

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Tokens = await TestTokens.StartAsync();
        var options = MeshHostOptions.ForTests();
        // web: the storefront behind the catch-all route (GatewayWebRouteTests).
        options.Apps = ["identity-service", "product-service", "web"];
        options.Databases["identity-service"] = new MeshDatabase("Postgres", _identityDatabase);
        options.Databases["product-service"] = new MeshDatabase("Postgres", _productDatabase);
        options.ReadyTimeout = TimeSpan.FromSeconds(90);
        options.Scale["gateway"] = 3;
        options.AppEnvironment["identity-service"] = new Dictionary<string, string?>
        {
            ["Identity__Admin__Email"] = AdminEmail,
            ["Identity__Admin__Password"] = AdminPassword,
            // TokenRevoked leaves through the outbox: poll it often so logout reaches the gateway quickly.
            ["Messaging__Relay__PollIntervalMs"] = "100",
        };
        MeshSettings.RaiseIdentityRateLimits(options.AppEnvironment["identity-service"]);
        options.AppEnvironment["discovery"] = new Dictionary<string, string?>
        {
            // The in-test echo instances register once with a 600 s lease and send no heartbeats.
            ["Discovery__MaxLeaseDurationSeconds"] = "600",
        };
        options.AppEnvironment["gateway"] = new Dictionary<string, string?>
        {
            // identity-service starts after the gateway: fetch its keys again soon after a miss.
            ["Jwt__JwksMinRefreshSeconds"] = "1",
            ["Gateway__RateLimits__Strict__PermitLimit"] = StrictPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway__RateLimits__Strict__WindowSeconds"] = StrictWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway__Cors__AllowedOrigins__0"] = CorsOrigin,
            ["Gateway__MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReverseProxy__Routes__echo__ClusterId"] = EchoService.AppName,
            ["ReverseProxy__Routes__echo__Match__Path"] = "/api/echo/{**rest}",
            ["ReverseProxy__Routes__echo-public__ClusterId"] = EchoService.AppName,
            ["ReverseProxy__Routes__echo-public__AuthorizationPolicy"] = "Anonymous",
            ["ReverseProxy__Routes__echo-public__Match__Path"] = "/api/echo-public/{**rest}",
            ["ReverseProxy__Routes__echo-slow__ClusterId"] = EchoService.AppName,
            ["ReverseProxy__Routes__echo-slow__AuthorizationPolicy"] = "Anonymous",
            ["ReverseProxy__Routes__echo-slow__Timeout"] = "00:00:01",
            ["ReverseProxy__Routes__echo-slow__Match__Path"] = "/api/echo-slow/{**rest}",
            ["ReverseProxy__Routes__scale-echo__ClusterId"] = ScaleEchoApp,
            ["ReverseProxy__Routes__scale-echo__AuthorizationPolicy"] = "Anonymous",
            ["ReverseProxy__Routes__scale-echo__Match__Path"] = "/api/scale-echo/{**rest}",
            [$"ReverseProxy__Clusters__{ScaleEchoApp}__LoadBalancingPolicy"] = "RoundRobin",
        };
        options.ConfigureEnvironment = env =>
        {
            if (env.Definition.AppName == "gateway" && env.Index == 2)
            {
                env.Variables["Gateway__RequireAuthForPublicReads"] = "true";
                env.Variables["Gateway__ApiDocs__CacheSeconds"] = ApiDocsCacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (env.Definition.AppName == "gateway" && env.Index == 3)
            {
                env.Variables["Jwt__JwksUrl"] = Tokens.JwksUrl.ToString();
                env.Variables["Gateway__RateLimits__PerUser__PermitLimit"] = TestKeyGatewayPerUserPermits.ToString(System.Globalization.CultureInfo.InvariantCulture);
                env.Variables["Gateway__RateLimits__PerUser__WindowSeconds"] = "60";
                // The test plays a proxy (an ingress) in front of this gateway (GatewayTokenTests).
                env.Variables["Gateway__TrustedProxies"] = "127.0.0.1,::1";
            }
        };
        Mesh = await MeshHost.StartAsync(options, timeout.Token);
        var gateways = Mesh.GetInstances("gateway");
        Gateway = new HttpClient { BaseAddress = gateways[0].BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        GatewayManagement = new HttpClient { BaseAddress = gateways[0].ManagementUrl, Timeout = TimeSpan.FromSeconds(30) };
        PublicReadsLockedGateway = new HttpClient { BaseAddress = gateways[1].BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        TestKeyGateway = new HttpClient { BaseAddress = gateways[2].BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        TestKeyGatewayManagement = gateways[2].ManagementUrl!;
        Echo = await EchoService.StartAsync(EchoEurekaUrl, timeout.Token);
        foreach (var gateway in gateways)
        {
            await WaitRoutedAsync(gateway.ManagementUrl!, EchoService.AppName, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        GatewayManagement?.Dispose();
        PublicReadsLockedGateway?.Dispose();
        TestKeyGateway?.Dispose();
        if (Echo is not null)
        {
            await Echo.DisposeAsync();
        }
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }
        await TestPostgres.DropAsync(_identityDatabase);
        await TestPostgres.DropAsync(_productDatabase);
    }

    /// <summary>Waits until the gateway whose management port is <paramref name="gateway"/> routes <paramref name="clusterId"/> to <paramref name="destinations"/> instances.</summary>
    public static async Task WaitRoutedAsync(Uri gateway, string clusterId, CancellationToken cancellationToken, int destinations = 1)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.GetAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>("actuator/gateway/routes", cancellationToken)).GetProperty("clusters").EnumerateArray()
                .Where(c => string.Equals(c.GetProperty("clusterId").GetString(), clusterId, StringComparison.OrdinalIgnoreCase))
                .Select(c => c.GetProperty("destinations").GetArrayLength())
                .DefaultIfEmpty(0).Max(),
            routed => routed >= destinations, $"gateway {gateway} to route {clusterId} to {destinations} destination(s)", TimeSpan.FromSeconds(30),
            describe: routed => $"{routed} destination(s)", cancellationToken: cancellationToken);
    }
}
