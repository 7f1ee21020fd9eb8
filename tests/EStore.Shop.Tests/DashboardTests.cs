using System.Net;
using System.Text.Json;
using EStore.Platform.Security;
using EStore.Shop.Tests.Infrastructure;

namespace EStore.Shop.Tests;

/// <summary>
/// The owner dashboard and the fresh e-mail check with no other service reachable (no discovery here):
/// product-service and identity-service always count as down.
/// </summary>
[Collection(ShopCollection.Name)]
public sealed class DashboardTests(ShopStack stack)
{
    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task Summary_answers_the_owner_with_stock_counts_unknown_when_product_service_is_unreachable()
    {
        var owner = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);
        var name = Unique("Dashboard");
        var id = (await stack.CreateShopAsync(owner, name)).GetProperty("id").GetGuid();

        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/shops/{id}/summary", null, owner);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var summary = JsonDocument.Parse(text).RootElement;
        Assert.Equal(id, summary.GetProperty("shopId").GetGuid());
        Assert.Equal(name, summary.GetProperty("name").GetString());
        Assert.Equal("PENDING", summary.GetProperty("status").GetString());
        // The counts are present and null: "unknown", not "zero".
        foreach (var count in new[] { "products", "variants", "lowStock", "outOfStock" })
        {
            Assert.Equal(JsonValueKind.Null, summary.GetProperty(count).ValueKind);
        }
        // Counted from order events here: known, and none yet.
        Assert.Equal(0, summary.GetProperty("openOrders").GetInt32());
        Assert.Equal(["product-service"], summary.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Summary_is_for_the_owner_and_admins_and_looks_missing_to_everyone_else()
    {
        var owner = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.ShopOwner]);
        var id = (await stack.CreateShopAsync(owner, Unique("Private counts"))).GetProperty("id").GetGuid();
        var otherOwner = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.ShopOwner]);
        var customer = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);
        var path = $"/api/shops/{id}/summary";

        using (var admin = await stack.SendAsync(HttpMethod.Get, path, null, stack.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        }
        using (var other = await stack.SendAsync(HttpMethod.Get, path, null, otherOwner))
        {
            await other.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var byCustomer = await stack.SendAsync(HttpMethod.Get, path, null, customer))
        {
            await byCustomer.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var missing = await stack.SendAsync(HttpMethod.Get, $"/api/shops/{Guid.NewGuid()}/summary", null, owner))
        {
            await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var anonymous = await stack.SendAsync(HttpMethod.Get, path, null, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var badId = await stack.SendAsync(HttpMethod.Get, "/api/shops/not-a-uuid/summary", null, owner))
        {
            await badId.AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task An_unverified_token_is_refused_with_a_hint_to_log_in_again_when_identity_cannot_confirm()
    {
        var userId = Guid.NewGuid();
        var stale = stack.Tokens.For(userId, [UserRoles.Customer], emailVerified: false);

        using var response = await stack.SendAsync(HttpMethod.Post, "/api/shops", new { name = Unique("Too early") }, stale);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        var message = problem.GetProperty("message").GetString();
        Assert.Contains("Verify your e-mail", message, StringComparison.Ordinal);
        Assert.Contains("log in again", message, StringComparison.Ordinal);
        using var mine = await stack.SendAsync(HttpMethod.Get, "/api/shops/mine", null, stale);
        Assert.Equal("[]", await mine.Content.ReadAsStringAsync());
    }
}
