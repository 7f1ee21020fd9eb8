using System.Net;
using System.Text.Json;
using EStore.Mesh;

namespace EStore.EndToEnd.Tests;

/// <summary>Several instances of one service share its database and its traffic.</summary>
public sealed class ScalingTests
{
    [Fact]
    public async Task Product_service_stays_available_when_one_of_two_instances_shuts_down()
    {
        var database = TestPostgres.NewDatabase("scaling");
        var options = ProductMeshFixture.Options(database);
        options.Scale["product-service"] = 2;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await using var mesh = await MeshHost.StartAsync(options, timeout.Token);
            using var gateway = new HttpClient { BaseAddress = mesh.GatewayUrl };
            // The routes endpoint answers on the gateway's management port only.
            using var management = new HttpClient { BaseAddress = mesh.GetInstances("gateway")[0].ManagementUrl };
            var instances = mesh.GetInstances("product-service");
            Assert.Equal(2, instances.Count);
            Assert.Equal(2, await DestinationCountAsync(management));

            await mesh.StopInstanceAsync(instances[0].Name);
            await mesh.WaitForGatewayRoutesAsync("product-service", timeout.Token);

            // Deregistered on shutdown, not left to expire.
            Assert.Equal([instances[1].Port], await RegisteredPortsAsync(mesh));
            Assert.Equal(1, await DestinationCountAsync(management));
            for (var i = 0; i < 20; i++)
            {
                using var response = await gateway.GetAsync("/api/products?size=1", timeout.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            await TestPostgres.DropAsync(database);
        }
    }

    private static async Task<int> DestinationCountAsync(HttpClient gatewayManagement)
    {
        var routes = JsonDocument.Parse(await gatewayManagement.GetStringAsync("/actuator/gateway/routes")).RootElement;
        return routes.GetProperty("clusters").EnumerateArray()
            .Single(c => c.GetProperty("clusterId").GetString() == "product-service")
            .GetProperty("destinations").GetArrayLength();
    }

    private static async Task<int[]> RegisteredPortsAsync(MeshHost mesh)
    {
        using var discovery = new HttpClient { BaseAddress = mesh.DiscoveryUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/eureka/apps/PRODUCT-SERVICE");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await discovery.SendAsync(request);
        var app = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("application");
        return app.GetProperty("instance").EnumerateArray().Select(i => i.GetProperty("port").GetProperty("$").GetInt32()).ToArray();
    }
}
