using System.Net;
using static EStore.Gateway.Tests.GatewayClient;

namespace EStore.Gateway.Tests;

/// <summary>
/// order-service's routes in gateway/appsettings.json, against an echo instance registered as <c>order-service</c>:
/// every path needs a token, and the administrators' list (<c>/api/orders/admin</c>) needs the admin role too.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class OrderRoutesTests(GatewayMeshFixture mesh)
{
    [Fact]
    public async Task Every_order_path_needs_a_token_and_the_admin_list_needs_the_admin_role()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var order = await EchoService.StartAsync(mesh.EchoEurekaUrl, timeout.Token, "order-service");
        // The requests below go to gateway #3, which learns of the instance on its own registry fetch.
        await GatewayMeshFixture.WaitRoutedAsync(mesh.TestKeyGatewayManagement, "order-service", timeout.Token);
        var customer = mesh.Tokens.For(Guid.NewGuid(), ["customer"]);
        var admin = mesh.Tokens.For(Guid.NewGuid(), ["customer", "admin"]);

        foreach (var path in (string[])["/api/orders", "/api/orders/checkout", "/api/orders/admin", "/api/orders/shop"])
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(mesh.TestKeyGateway, path));
        }
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(mesh.TestKeyGateway, "/api/orders", customer));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(mesh.TestKeyGateway, "/api/orders/shop", customer));
        Assert.Equal(HttpStatusCode.Forbidden, await GetStatusAsync(mesh.TestKeyGateway, "/api/orders/admin", customer));
        Assert.Equal(HttpStatusCode.Forbidden, await GetStatusAsync(mesh.TestKeyGateway, "/api/orders/admin?status=PAID", customer));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(mesh.TestKeyGateway, "/api/orders/admin", admin));
    }
}
