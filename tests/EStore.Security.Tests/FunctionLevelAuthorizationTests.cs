using System.Net;
using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// API5:2023 Broken Function Level Authorization. Every admin and shop-owner operation called by a plain customer, and
/// every operation that needs a token called without one, through the gateway and straight to the owning service.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class FunctionLevelAuthorizationTests(SecurityMesh mesh)
{
    [Fact]
    public async Task Every_admin_and_shop_owner_operation_is_refused_to_a_plain_customer_at_the_gateway_and_at_each_service()
    {
        var attacks = await Attacks.StartAsync(mesh);
        var world = attacks.World;
        foreach (var @case in SecurityCases.All.Where(c => c.Access is Access.Admin or Access.OwnerOwned))
        {
            await attacks.ExpectAsync(@case, world.B.Token, "a customer", @case.Access is Access.Admin ? HttpStatusCode.Forbidden : @case.CustomerStatus);
        }
        // A shop owner is no admin either.
        foreach (var @case in SecurityCases.All.Where(c => c.Access is Access.Admin))
        {
            await attacks.ExpectAsync(@case, world.Rival.Token, "a shop owner", HttpStatusCode.Forbidden);
        }
        attacks.AssertNoFailures();

        // Nothing the attempts asked for happened: A is no admin, the demo shop is active, the category is there.
        var a = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/users/{world.A.Id}", null, world.Admin.Token);
        Assert.DoesNotContain("admin", a.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.NotEqual("DISABLED", a.GetProperty("status").GetString()!.ToUpperInvariant());
        var shop = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/shops/{world.ShopId}", null, null);
        Assert.Equal("ACTIVE", shop.GetProperty("status").GetString());
        var categories = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/categories", null, null);
        Assert.Contains(SecurityMesh.Kitchen.ToString(), categories.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Planted category", categories.ToString(), StringComparison.Ordinal);
        var rival = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/shops/mine", null, world.Rival.Token);
        Assert.Equal(world.RivalShopId, rival[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Every_operation_that_needs_a_token_is_401_without_one_at_the_gateway_and_at_each_service()
    {
        var attacks = await Attacks.StartAsync(mesh);
        foreach (var @case in SecurityCases.All.Where(c => c.Access is not (Access.Public or Access.Guest)))
        {
            await attacks.ExpectAsync(@case, null, "anonymous", HttpStatusCode.Unauthorized);
        }
        attacks.AssertNoFailures();
    }
}
