using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Platform.Discovery;
using EStore.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EStore.Compatibility.Tests;

/// <summary>
/// eureka-js-client 4.5.0, installed from npm during the run, against our discovery server over
/// real HTTP on loopback: its register / heartbeat / fetch / deregister cycle, and the other
/// direction: an app registered by our platform client, resolved by eureka-js-client. Both send
/// their app's credential from the service URL's userinfo, as the server requires.
/// </summary>
public sealed class EurekaJsClientTests
{
    [Theory]
    [InlineData("/eureka/apps/", false)] // what its README tells Spring users to configure
    [InlineData("/eureka/v2/apps/", true)] // its default (Netflix), with delta fetches on
    public async Task Eureka_js_client_registers_heartbeats_fetches_and_deregisters(string servicePath, bool useDelta)
    {
        await using var server = DiscoveryServer.Start();
        await using var probe = await NodeProbe.StartAsync(new
        {
            shouldUseDelta = useDelta,
            instance = new Dictionary<string, object>
            {
                ["app"] = "jqservice",
                ["hostName"] = "js-host",
                ["ipAddr"] = "127.0.0.1",
                ["port"] = new Dictionary<string, object> { ["$"] = 4321, ["@enabled"] = true },
                ["vipAddress"] = "jq.service",
                ["statusPageUrl"] = "http://js-host:4321/info",
                ["dataCenterInfo"] = new Dictionary<string, object> { ["@class"] = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", ["name"] = "MyOwn" },
            },
            // eureka-js-client has no credential setting of its own; a service URL with userinfo works,
            // because its HTTP library ("request") turns the URL's userinfo into a Basic header.
            eureka = new
            {
                serviceUrls = new { @default = new[] { server.EurekaUrlFor("jqservice", DiscoveryServer.JsClientSecret, servicePath) } },
                heartbeatInterval = 300,
                registryFetchInterval = 300,
                maxRetries = 0,
            },
        });

        var started = await probe.WaitForAsync("started");
        Assert.True(started.GetProperty("error").ValueKind == JsonValueKind.Null, $"start failed: {started}\n{probe.StandardError()}");

        // Our server's view of the registration.
        var stored = (await server.Http.GetFromJsonAsync<JsonElement>("/eureka/apps/JQSERVICE/js-host")).GetProperty("instance");
        Assert.Equal("JQSERVICE", stored.GetProperty("app").GetString());
        Assert.Equal("127.0.0.1", stored.GetProperty("ipAddr").GetString());
        Assert.Equal(4321, stored.GetProperty("port").GetProperty("$").GetInt32());
        Assert.Equal("jq.service", stored.GetProperty("vipAddress").GetString());
        Assert.Equal("UP", stored.GetProperty("status").GetString());
        var registeredAt = server.Registry.GetLeases().Single().LastHeartbeatTimestamp;

        // Heartbeats arrive and renew the lease.
        await probe.WaitForAsync("heartbeat");
        await probe.WaitForAsync("heartbeat");
        Assert.True(server.Registry.GetLeases().Single().LastHeartbeatTimestamp > registeredAt, "no heartbeat reached the server");

        // Its fetched registry matches ours, and follows a change: another instance registered
        // at our server arrives through the next full fetch, or through a delta when enabled.
        await probe.WaitForAsync("registryUpdated");
        var byApp = Assert.Single((await probe.ResolveAsync("JQSERVICE")).EnumerateArray());
        Assert.Equal(stored.GetProperty("hostName").GetString(), byApp.GetProperty("hostName").GetString());
        Assert.Equal(stored.GetProperty("instanceId").GetString(), byApp.GetProperty("instanceId").GetString());
        Assert.Equal(4321, byApp.GetProperty("port").GetInt32());
        Assert.Equal("UP", byApp.GetProperty("status").GetString());
        var other = new System.Text.Json.Nodes.JsonObject
        {
            ["instance"] = new System.Text.Json.Nodes.JsonObject
            {
                ["app"] = "jqservice",
                ["hostName"] = "js-host-2",
                ["ipAddr"] = "127.0.0.2",
                ["port"] = 4322,
                ["vipAddress"] = "jq.service",
                ["dataCenterInfo"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "MyOwn" },
            },
        };
        Assert.Equal(HttpStatusCode.NoContent, (await server.Http.PostAsync("/eureka/apps/jqservice", JsonContent.Create(other))).StatusCode);
        var both = await Eventually.GetAsync(() => probe.ResolveVipAsync("jq.service"), seen => seen.GetArrayLength() == 2, "eureka-js-client to see the second instance");
        Assert.Equal(["js-host", "js-host-2"], both.EnumerateArray().Select(i => i.GetProperty("hostName").GetString()).Order());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.DeleteAsync("/eureka/apps/JQSERVICE/js-host-2")).StatusCode);

        // Stop deregisters: gone from our registry, DELETED in the delta.
        await probe.StopAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/eureka/apps/JQSERVICE/js-host")).StatusCode);
        var delta = await server.Http.GetFromJsonAsync<JsonElement>("/eureka/apps/delta");
        var change = delta.GetProperty("applications").GetProperty("application").EnumerateArray()
            .SelectMany(a => a.GetProperty("instance").EnumerateArray()).Single(i => i.GetProperty("hostName").GetString() == "js-host");
        Assert.Equal("DELETED", change.GetProperty("actionType").GetString());
    }

    [Fact]
    public async Task Eureka_js_client_resolves_an_app_registered_by_our_platform_client()
    {
        await using var server = DiscoveryServer.Start();
        await using var app = await StartPlatformServiceAsync(server.EurekaUrlFor("compat-service", DiscoveryServer.PlatformClientSecret));
        var port = new Uri(app.Urls.Single()).Port;
        await Eventually.TrueAsync(() => server.Registry.GetInstance("COMPAT-SERVICE", $"127.0.0.1:compat-service:{port}") is { Status: InstanceStatus.Up },
            "the platform client to register", TimeSpan.FromSeconds(20));

        await using var probe = await NodeProbe.StartAsync(new
        {
            eureka = new { host = "127.0.0.1", port = server.Port, servicePath = "/eureka/apps/", registerWithEureka = false, registryFetchInterval = 300, maxRetries = 0 },
        });
        var started = await probe.WaitForAsync("started");
        Assert.True(started.GetProperty("error").ValueKind == JsonValueKind.Null, $"start failed: {started}\n{probe.StandardError()}");

        var resolved = Assert.Single((await probe.ResolveAsync("COMPAT-SERVICE")).EnumerateArray());
        Assert.Equal("127.0.0.1", resolved.GetProperty("hostName").GetString());
        Assert.Equal(port, resolved.GetProperty("port").GetInt32());
        Assert.Equal("UP", resolved.GetProperty("status").GetString());
        Assert.Equal("COMPAT-SERVICE", resolved.GetProperty("app").GetString());
        // The instance answers at the address eureka-js-client resolved.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = await http.GetAsync($"http://{resolved.GetProperty("hostName").GetString()}:{resolved.GetProperty("port").GetInt32()}/actuator/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        await probe.StopAsync();
    }

    private static async Task<WebApplication> StartPlatformServiceAsync(string eurekaUrl)
    {
        var builder = ServiceHost.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eureka:Instance:AppName"] = "compat-service",
            ["Eureka:Instance:HostName"] = "127.0.0.1",
            ["Eureka:Instance:LeaseRenewalIntervalInSeconds"] = "1",
            ["Eureka:Client:ServiceUrl"] = eurekaUrl,
            ["Eureka:Client:ShouldRegisterWithEureka"] = "true",
            ["Eureka:Client:ShouldFetchRegistry"] = "false",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();
        return app;
    }
}
