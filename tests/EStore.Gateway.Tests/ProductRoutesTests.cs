using System.Net;
using static EStore.Gateway.Tests.GatewayClient;

namespace EStore.Gateway.Tests;

/// <summary>
/// product-service's routes in gateway/appsettings.json: catalog reads are public, but import jobs and supplier feeds
/// (their URLs, schedules and histories) are the shop owners' business, reads included. The gateway decides before
/// proxying, so no product-service runs here.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class ProductRoutesTests(GatewayMeshFixture mesh)
{
    [Fact]
    public async Task Import_jobs_and_feeds_need_a_shop_owner_or_admin_at_the_gateway_even_to_read()
    {
        var customer = mesh.Tokens.For(Guid.NewGuid(), ["customer"]);
        var id = Guid.NewGuid();

        foreach (var path in (string[])[$"/api/products/imports/{id}", "/api/products/feeds", $"/api/products/feeds/{id}"])
        {
            // Anonymous on gateway #1: gateway #3's per-caller window is small, and its own tests count on it.
            Assert.True(await GetStatusAsync(mesh.Gateway, path) == HttpStatusCode.Unauthorized, $"anonymous {path}");
            Assert.True(await GetStatusAsync(mesh.TestKeyGateway, path, customer) == HttpStatusCode.Forbidden, $"customer {path}");
        }
    }
}
