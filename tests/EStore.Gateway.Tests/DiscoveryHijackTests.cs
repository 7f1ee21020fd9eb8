using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EStore.Platform.Discovery;
using static EStore.Gateway.Tests.GatewayClient;

namespace EStore.Gateway.Tests;

/// <summary>
/// The attack on the real mesh: a process on loopback registers itself as identity-service so that
/// the gateway adopts its JWKS and accepts tokens it signs. Discovery must refuse it without
/// identity-service's secret, and the gateway must keep trusting only the real keys.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class DiscoveryHijackTests(GatewayMeshFixture mesh)
{
    [Fact]
    public async Task A_rogue_identity_service_is_refused_by_discovery_and_tokens_signed_by_its_key_are_401_while_real_tokens_work()
    {
        // The rogue: its own RSA key, its JWKS served on 127.0.0.1.
        await using var rogue = await TestTokens.StartAsync();
        var roguePort = rogue.JwksUrl.Port;
        using var discovery = new HttpClient { BaseAddress = mesh.Mesh.DiscoveryUrl, Timeout = TimeSpan.FromSeconds(10) };

        using var anonymous = await RegisterRogueAsync(discovery, roguePort, null);
        using var wrongSecret = await RegisterRogueAsync(discovery, roguePort, Basic("identity-service", "guessed-secret"));
        using var otherAppsSecret = await RegisterRogueAsync(discovery, roguePort, Basic("product-service", mesh.Mesh.Credentials.GetSecret("product-service")));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherAppsSecret.StatusCode);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/eureka/apps/IDENTITY-SERVICE"))
        {
            request.Headers.Accept.ParseAdd("application/json");
            using var listed = await discovery.SendAsync(request);
            var ports = RegisteredPorts(await listed.Content.ReadAsStringAsync());
            Assert.NotEmpty(ports);
            Assert.DoesNotContain(roguePort, ports);
        }

        // A token the rogue signed (an admin one, as an attacker would mint) is refused at the gateway.
        using var forged = await mesh.Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", rogue.For(Guid.NewGuid(), ["admin"])));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        // A token from the real identity-service still works.
        var admin = await LoginAsync(mesh.Gateway, GatewayMeshFixture.AdminEmail, GatewayMeshFixture.AdminPassword);
        using var real = await mesh.Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/who", admin.AccessToken));
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
    }

    private static Task<HttpResponseMessage> RegisterRogueAsync(HttpClient discovery, int port, AuthenticationHeaderValue? credential)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        var instance = new EurekaInstance
        {
            InstanceId = $"127.0.0.1:identity-service:{port}",
            AppName = "IDENTITY-SERVICE",
            HostName = "127.0.0.1",
            IpAddress = "127.0.0.1",
            Port = port,
            VipAddress = "identity-service",
            HomePageUrl = baseUrl + "/",
            HealthCheckUrl = baseUrl + "/actuator/health",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/eureka/apps/IDENTITY-SERVICE")
        {
            Content = new StringContent(EurekaJson.SerializeInstanceDocument(instance), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = credential;
        return SendAndDisposeAsync(discovery, request);
    }

    private static async Task<HttpResponseMessage> SendAndDisposeAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            return await client.SendAsync(request);
        }
    }

    // Eureka's JSON gives a lone instance as an object, several as an array.
    private static List<int> RegisteredPorts(string json)
    {
        using var document = JsonDocument.Parse(json);
        var instances = document.RootElement.GetProperty("application").GetProperty("instance");
        var all = instances.ValueKind == JsonValueKind.Array ? [.. instances.EnumerateArray()] : new List<JsonElement> { instances };
        return [.. all.Select(i => i.GetProperty("port").GetProperty("$").GetInt32())];
    }

    private static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
}
