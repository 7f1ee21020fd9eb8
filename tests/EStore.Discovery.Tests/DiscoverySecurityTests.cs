using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Tests;

/// <summary>
/// Who may change the registry: each app with its own secret, <c>admin</c> for any app, and only
/// <c>discovery</c> for replication. Reads stay open unless <c>ProtectReads</c>.
/// </summary>
public sealed class DiscoverySecurityTests
{
    private const string IdentityPath = "/eureka/apps/IDENTITY-SERVICE/host-a:identity-service:8081";

    [Fact]
    public async Task Anonymous_registration_is_refused_with_a_basic_challenge()
    {
        using var factory = new DiscoveryFactory();
        var client = Anonymous(factory);

        var response = await client.RegisterAsync(Identity(), app: "identity-service");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"eureka\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, factory.Registry.Count);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_401()
    {
        using var factory = new DiscoveryFactory();
        var client = As(factory, "identity-service", "guess");

        var response = await client.RegisterAsync(Identity(), app: "identity-service");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, factory.Registry.Count);
    }

    [Fact]
    public async Task Identity_service_registration_with_product_services_secret_is_refused_403()
    {
        using var factory = new DiscoveryFactory();
        var client = As(factory, "product-service", TestCredentials.ProductSecret);

        var response = await client.RegisterAsync(Identity(), app: "identity-service");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(factory.Registry.GetApplication("identity-service"));
    }

    [Fact]
    public async Task An_app_registers_renews_and_cancels_its_own_instance_with_its_secret_whatever_the_user_name_case()
    {
        using var factory = new DiscoveryFactory();
        var client = As(factory, "Identity-Service", TestCredentials.IdentitySecret);

        Assert.Equal(HttpStatusCode.NoContent, (await client.RegisterAsync(Identity(), app: "identity-service")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(IdentityPath + "?status=UP&lastDirtyTimestamp=1700000000000", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(IdentityPath + "/status?value=OUT_OF_SERVICE", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync(IdentityPath)).StatusCode);
    }

    [Fact]
    public async Task Anonymous_status_change_and_delete_are_refused_and_the_instance_stays_up()
    {
        using var factory = new DiscoveryFactory();
        await Own(factory).RegisterAsync(Identity(), app: "identity-service");
        var anonymous = Anonymous(factory);

        var outOfService = await anonymous.PutAsync(IdentityPath + "/status?value=OUT_OF_SERVICE", null);
        var removeOverride = await anonymous.DeleteAsync(IdentityPath + "/status");
        var delete = await anonymous.DeleteAsync(IdentityPath);
        var renew = await anonymous.PutAsync(IdentityPath, null);
        var metadata = await anonymous.PutAsync(IdentityPath + "/metadata?jwks=http://evil/", null);

        Assert.All([outOfService, removeOverride, delete, renew, metadata], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        var instance = (await anonymous.GetJsonAsync(IdentityPath)).GetProperty("instance");
        Assert.Equal("UP", instance.GetProperty("status").GetString());
        Assert.Equal("java.util.Collections$EmptyMap", instance.GetProperty("metadata").GetProperty("@class").GetString());
    }

    [Fact]
    public async Task Another_apps_secret_cannot_take_an_instance_out_of_service_or_delete_it_but_admin_can()
    {
        using var factory = new DiscoveryFactory();
        await Own(factory).RegisterAsync(Identity(), app: "identity-service");
        var product = As(factory, "product-service", TestCredentials.ProductSecret);
        var admin = As(factory, "admin", TestCredentials.AdminSecret);

        Assert.Equal(HttpStatusCode.Forbidden, (await product.PutAsync(IdentityPath + "/status?value=OUT_OF_SERVICE", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await product.DeleteAsync(IdentityPath)).StatusCode);
        Assert.Equal(InstanceStatus.Up, factory.Registry.GetInstance("identity-service", "host-a:identity-service:8081")!.Status);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync(IdentityPath + "/status?value=OUT_OF_SERVICE", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync(IdentityPath)).StatusCode);
        Assert.Null(factory.Registry.GetApplication("identity-service"));
    }

    [Fact]
    public async Task Replication_is_honoured_only_from_the_discovery_principal()
    {
        using var factory = new DiscoveryFactory();
        var own = Own(factory);
        using var asApp = new HttpRequestMessage(HttpMethod.Post, "/eureka/apps/identity-service") { Content = JsonContent.Create(Identity()) };
        asApp.Headers.Add("x-netflix-discovery-replication", "true");
        var admin = As(factory, "admin", TestCredentials.AdminSecret);
        var batch = new JsonObject { ["replicationList"] = new JsonArray() };

        Assert.Equal(HttpStatusCode.Forbidden, (await own.SendAsync(asApp)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync("/eureka/peerreplication/batch/", JsonContent.Create(batch))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous(factory).PostAsync("/eureka/peerreplication/batch/", JsonContent.Create(batch))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(factory, "discovery", TestCredentials.PeerSecret).PostAsync("/eureka/peerreplication/batch/", JsonContent.Create(batch))).StatusCode);
        Assert.Equal(0, factory.Registry.Count);
    }

    [Fact]
    public async Task Reads_and_the_dashboard_stay_open_by_default_and_need_a_credential_with_protect_reads()
    {
        using var open = new DiscoveryFactory();
        using var closed = new DiscoveryFactory(new Dictionary<string, string?> { ["Discovery:Security:ProtectReads"] = "true" });

        Assert.Equal(HttpStatusCode.OK, (await Anonymous(open).GetAsync("/eureka/apps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous(open).GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous(closed).GetAsync("/eureka/apps")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous(closed).GetAsync("/")).StatusCode);
        // Any valid principal may read.
        Assert.Equal(HttpStatusCode.OK, (await As(closed, "product-service", TestCredentials.ProductSecret).GetAsync("/eureka/apps")).StatusCode);
    }

    [Fact]
    public async Task Security_can_be_switched_off_explicitly()
    {
        using var factory = new DiscoveryFactory(new Dictionary<string, string?> { ["Discovery:Security:Enabled"] = "false" });

        Assert.Equal(HttpStatusCode.NoContent, (await Anonymous(factory).RegisterAsync(Identity(), app: "identity-service")).StatusCode);
    }

    [Fact]
    public void Enabled_security_without_any_secret_stops_startup_naming_the_key()
    {
        var key = StartupErrorKey(new Dictionary<string, string?>());

        Assert.Equal("Discovery:Security:Apps", key);
    }

    [Fact]
    public void An_empty_secret_stops_startup_naming_its_key()
    {
        var key = StartupErrorKey(new Dictionary<string, string?>(TestCredentials.Settings) { ["Discovery:Security:Apps:cart-service"] = " " });

        Assert.Equal("Discovery:Security:Apps:cart-service", key);
    }

    [Theory]
    [InlineData("Discovery:SelfPreservation:RenewalPercentThreshold", "1.5", "'1.5' must be in (0, 1].")]
    [InlineData("Discovery:EvictionIntervalSeconds", "0", "'0' must be at least 1.")]
    [InlineData("Discovery:MaxClockSkewSeconds", "-1", "'-1' must be at least 0.")]
    [InlineData("Discovery:MyUrl", "discovery-1/eureka", "'discovery-1/eureka' is not an absolute URL.")]
    public void Out_of_range_setting_stops_startup_naming_the_key_and_value(string key, string value, string problem)
    {
        var line = StartupError(new Dictionary<string, string?>(TestCredentials.Settings) { [key] = value });

        Assert.Equal($"{key}: {problem}", line);
    }

    [Fact]
    public async Task Hijacking_a_live_instance_id_with_another_port_and_a_far_future_dirty_stamp_is_refused_and_the_real_record_stays()
    {
        using var factory = new DiscoveryFactory();
        var client = Own(factory);
        var now = factory.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await client.RegisterAsync(Identity(lastDirty: now), app: "identity-service");
        var tenYears = now + (long)TimeSpan.FromDays(3650).TotalMilliseconds;

        var farFuture = await client.RegisterAsync(Identity(port: 9999, lastDirty: tenYears), app: "identity-service");
        var moved = await client.RegisterAsync(Identity(port: 9999, lastDirty: now + 1000), app: "identity-service");
        var renewFarFuture = await client.PutAsync($"{IdentityPath}?status=UP&lastDirtyTimestamp={tenYears}", null);

        Assert.Equal(HttpStatusCode.BadRequest, farFuture.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, renewFarFuture.StatusCode);
        var stored = factory.Registry.GetInstance("identity-service", "host-a:identity-service:8081")!;
        Assert.Equal(8081, stored.Port);
        Assert.Equal(now, stored.LastDirtyTimestamp);
        // The real instance's heartbeat still renews its own record.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"{IdentityPath}?status=UP&lastDirtyTimestamp={now}", null)).StatusCode);
    }

    [Fact]
    public async Task Another_app_cannot_take_a_live_instance_id_to_steer_its_status_override()
    {
        using var factory = new DiscoveryFactory();
        await Own(factory).RegisterAsync(Identity(), app: "identity-service");
        var product = As(factory, "product-service", TestCredentials.ProductSecret);
        var squat = Eureka.SteeltoeBody(app: "product-service", port: 8081, instanceId: "host-a:identity-service:8081");

        var response = await product.RegisterAsync(squat, app: "product-service");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Null(factory.Registry.GetApplication("product-service"));
    }

    [Fact]
    public async Task An_instance_id_may_move_to_another_port_once_its_lease_is_cancelled_or_expired()
    {
        using var factory = new DiscoveryFactory(DiscoveryFactory.WithoutSelfPreservation);
        var client = Own(factory);
        var now = factory.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await client.RegisterAsync(Identity(lastDirty: now), app: "identity-service");
        await client.DeleteAsync(IdentityPath);

        Assert.Equal(HttpStatusCode.NoContent, (await client.RegisterAsync(Identity(port: 9999, lastDirty: now + 1), app: "identity-service")).StatusCode);

        // Not renewed for longer than 2 x the lease: the id is free again.
        factory.Clock.Advance(TimeSpan.FromSeconds(181));
        Assert.Equal(HttpStatusCode.NoContent, (await client.RegisterAsync(Identity(port: 9000, lastDirty: now + 2), app: "identity-service")).StatusCode);
        Assert.Equal(9000, factory.Registry.GetApplication("identity-service")!.Single().Port);
    }

    [Fact]
    public async Task A_heartbeat_for_an_older_record_than_the_stored_one_is_answered_404_without_renewing()
    {
        using var factory = new DiscoveryFactory();
        var client = Own(factory);
        await client.RegisterAsync(Identity(lastDirty: 1700000005000), app: "identity-service");
        var before = factory.Registry.GetInstance("identity-service", "host-a:identity-service:8081")!.LastRenewalTimestamp;
        factory.Clock.Advance(TimeSpan.FromSeconds(30));

        var stale = await client.PutAsync($"{IdentityPath}?status=UP&lastDirtyTimestamp=1700000001000", null);

        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
        Assert.Equal(before, factory.Registry.GetInstance("identity-service", "host-a:identity-service:8081")!.LastRenewalTimestamp);
    }

    [Fact]
    public async Task Heartbeats_of_an_instance_restarted_at_a_new_port_do_not_keep_its_old_record_alive_and_it_registers_once_the_old_lease_ends()
    {
        using var factory = new DiscoveryFactory(DiscoveryFactory.WithoutSelfPreservation);
        var client = Own(factory);
        var start = factory.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await client.RegisterAsync(Identity(lastDirty: start), app: "identity-service");
        var before = factory.Registry.GetInstance("identity-service", "host-a:identity-service:8081")!.LastRenewalTimestamp;

        // Restarted with the same id at a new port: refused while the old lease lives; its heartbeats carry the new stamp.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var restarted = start + 30_000;
        Assert.Equal(HttpStatusCode.Conflict, (await client.RegisterAsync(Identity(port: 9999, lastDirty: restarted), app: "identity-service")).StatusCode);
        for (var beat = 0; beat < 3; beat++)
        {
            var response = await client.PutAsync($"{IdentityPath}?status=UP&lastDirtyTimestamp={restarted}", null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(before, factory.Registry.GetLeases().Single().Instance.LastRenewalTimestamp);
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        // 120 s after the last real renewal (registration, 90 s lease): the old lease has ended.
        Assert.Equal(HttpStatusCode.NoContent, (await client.RegisterAsync(Identity(port: 9999, lastDirty: restarted), app: "identity-service")).StatusCode);
        Assert.Equal(9999, factory.Registry.GetApplication("identity-service")!.Single().Port);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"{IdentityPath}?status=UP&lastDirtyTimestamp={restarted}", null)).StatusCode);
    }

    [Fact]
    public async Task A_lease_longer_than_the_maximum_is_refused_400()
    {
        using var factory = new DiscoveryFactory();

        var response = await Own(factory).RegisterAsync(Identity(durationInSecs: 86_400), app: "identity-service");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, factory.Registry.Count);
    }

    private static JsonObject Identity(int port = 8081, long lastDirty = 1700000000000, int durationInSecs = 90)
    {
        var body = Eureka.SteeltoeBody(app: "identity-service", port: port, instanceId: "host-a:identity-service:8081", durationInSecs: durationInSecs, lastDirty: lastDirty.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return body;
    }

    // The options validation the host runs at start (ValidateOnStart). Its first failure becomes the
    // platform's one startup line, "crit: startup failed: Key: problem"; the key is what precedes ": ".
    private static string StartupErrorKey(Dictionary<string, string?> settings)
    {
        var first = StartupError(settings);
        var colon = first.IndexOf(": ", StringComparison.Ordinal);
        Assert.True(colon > 0, $"'{first}' does not start with its key");
        return first[..colon];
    }

    private static string StartupError(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddDiscoveryServer();
        using var provider = builder.Services.AddLogging().BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        return error.Failures.First();
    }

    private static HttpClient Own(DiscoveryFactory factory) => As(factory, "identity-service", TestCredentials.IdentitySecret);

    private static HttpClient Anonymous(DiscoveryFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    private static HttpClient As(DiscoveryFactory factory, string user, string secret)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = TestCredentials.Basic(user, secret);
        return client;
    }
}
