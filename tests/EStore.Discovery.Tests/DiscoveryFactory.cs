using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EStore.Discovery.Registry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Discovery.Tests;

/// <summary>The discovery server in memory, on a fake clock. One per test: the registry is state.</summary>
internal sealed class DiscoveryFactory(IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>Self-preservation off: for tests about leases alone (a lone test instance would always trigger it).</summary>
    public static readonly Dictionary<string, string?> WithoutSelfPreservation = new() { ["Discovery:SelfPreservation:Enabled"] = "false" };

    public FakeTimeProvider Clock { get; } = new();

    public InstanceRegistry Registry => Services.GetRequiredService<InstanceRegistry>();

    public LeaseEvictionService Eviction => Services.GetRequiredService<LeaseEvictionService>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Belt and braces: the server must never try to talk to a Eureka server itself.
        builder.UseSetting("Eureka:Client:ShouldRegisterWithEureka", "false");
        builder.UseSetting("Eureka:Client:ShouldFetchRegistry", "false");
        builder.UseSetting("Eureka:Client:ServiceUrl", "");
        foreach (var (key, value) in TestCredentials.Settings.Concat(settings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Clients act as the operator (any app); tests about who may do what build their own requests.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = TestCredentials.Admin;
    }
}

/// <summary>Requests a Eureka client would send.</summary>
internal static class Eureka
{
    public static Task<HttpResponseMessage> RegisterAsync(this HttpClient client, JsonObject body, string app = "orders", string prefix = "/eureka/v2") =>
        client.PostAsync($"{prefix}/apps/{app}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> RegisterRawAsync(this HttpClient client, string body, string app = "orders") =>
        client.PostAsync($"/eureka/v2/apps/{app}", new StringContent(body, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The only instance of the only application in an applications document.</summary>
    public static JsonElement SingleInstance(JsonElement applicationsDocument)
    {
        var app = Assert.Single(applicationsDocument.GetProperty("applications").GetProperty("application").EnumerateArray());
        return Assert.Single(app.GetProperty("instance").EnumerateArray());
    }

    /// <summary>A registration body as Steeltoe 3.x sends it (string timestamps, explicit nulls, lower-case "overriddenstatus").</summary>
    public static JsonObject SteeltoeBody(string app = "orders", string host = "host-a", int port = 8080, string? instanceId = null, string status = "UP", int durationInSecs = 90, string lastDirty = "1700000000000") => new()
    {
        ["instance"] = new JsonObject
        {
            ["instanceId"] = instanceId ?? $"{host}:{app}:{port}",
            ["app"] = app.ToUpperInvariant(),
            ["appGroupName"] = null,
            ["ipAddr"] = "10.0.0.5",
            ["sid"] = "na",
            ["port"] = new JsonObject { ["@enabled"] = "true", ["$"] = port },
            ["securePort"] = new JsonObject { ["@enabled"] = "false", ["$"] = 443 },
            ["homePageUrl"] = $"http://{host}:{port}/",
            ["statusPageUrl"] = $"http://{host}:{port}/actuator/info",
            ["healthCheckUrl"] = $"http://{host}:{port}/actuator/health",
            ["secureHealthCheckUrl"] = null,
            ["vipAddress"] = app,
            ["secureVipAddress"] = app,
            ["countryId"] = 1,
            ["dataCenterInfo"] = new JsonObject
            {
                ["@class"] = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                ["name"] = "MyOwn",
            },
            ["hostName"] = host,
            ["status"] = status,
            ["overriddenstatus"] = "UNKNOWN",
            ["leaseInfo"] = new JsonObject
            {
                ["renewalIntervalInSecs"] = 30,
                ["durationInSecs"] = durationInSecs,
                ["registrationTimestamp"] = "0",
                ["lastRenewalTimestamp"] = "0",
                ["renewalTimestamp"] = "0",
                ["evictionTimestamp"] = "0",
                ["serviceUpTimestamp"] = "0",
            },
            ["isCoordinatingDiscoveryServer"] = "false",
            ["metadata"] = new JsonObject { ["@class"] = "java.util.Collections$EmptyMap" },
            ["lastUpdatedTimestamp"] = lastDirty,
            ["lastDirtyTimestamp"] = lastDirty,
            ["actionType"] = "ADDED",
            ["asgName"] = null,
        },
    };

    /// <summary>A registration body as the eureka-js-client README and integration test configure it.</summary>
    public static JsonObject JsClientBody(string app = "jqservice", string host = "js-host") => new()
    {
        ["instance"] = new JsonObject
        {
            ["app"] = app,
            ["hostName"] = host,
            ["ipAddr"] = "127.0.0.1",
            ["port"] = 8080,
            ["vipAddress"] = app,
            ["dataCenterInfo"] = new JsonObject { ["name"] = "MyOwn" },
            ["status"] = "UP",
        },
    };
}
