using System.Net;
using EStore.Platform.Security;

namespace EStore.EndToEnd.Tests;

/// <summary>shop-service with its neighbours as real processes: the owner dashboard and the fresh e-mail check.</summary>
[Collection(ShopMeshCollection.Name)]
public sealed class ShopMeshTests(ShopMeshFixture mesh)
{
    [Fact]
    public async Task Owner_dashboard_counts_the_products_and_stock_levels_of_the_shop_and_hides_it_from_another_owner()
    {
        var owner = await mesh.VerifiedUserAsync("owner");
        var shopId = (await mesh.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/shops",
            new { name = $"Dashboard {Guid.NewGuid():N}"[..24], contactEmail = owner.Email }, owner.Token)).GetProperty("id").GetGuid();
        // identity-service grants shop_owner on ShopCreated; product-service needs the role and the shop.
        var ownerToken = await mesh.LoginWithRoleAsync(owner.Email, UserRoles.ShopOwner);
        var admin = await mesh.LoginAsync(ShopMeshFixture.AdminEmail, ShopMeshFixture.AdminPassword);
        var categoryId = (await mesh.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/categories",
            new { name = $"Garden {Guid.NewGuid():N}"[..20] }, admin)).GetProperty("id").GetGuid();

        var lamps = await mesh.EventuallyAsync(HttpStatusCode.Created, () => mesh.SendAsync(HttpMethod.Post, "/api/products", Product(shopId, categoryId, "Lamp",
            [Variant("LAMP-S", stock: 10, threshold: 2), Variant("LAMP-L", stock: 1, threshold: 2)]), ownerToken), "product-service learning about the shop");
        await mesh.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/products", Product(shopId, categoryId, "Bench",
            [Variant("BENCH", stock: 0, threshold: 1)]), ownerToken);
        // Stock of the small lamp goes down to the threshold: low stock now.
        var small = lamps.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("sku").GetString()!.StartsWith("LAMP-S", StringComparison.Ordinal));
        await mesh.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Put, $"/api/inventory/{small.GetProperty("id").GetGuid()}",
            new { stock = 2, reason = "counted" }, ownerToken);

        var summary = await mesh.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/shops/{shopId}/summary", null, ownerToken);

        Assert.Equal(shopId, summary.GetProperty("shopId").GetGuid());
        Assert.Equal("ACTIVE", summary.GetProperty("status").GetString());
        Assert.Equal(2, summary.GetProperty("products").GetInt32());
        Assert.Equal(3, summary.GetProperty("variants").GetInt32());
        Assert.Equal(2, summary.GetProperty("lowStock").GetInt32());
        Assert.Equal(1, summary.GetProperty("outOfStock").GetInt32());
        // Counted from order events: a new shop has none yet.
        Assert.Equal(0, summary.GetProperty("openOrders").GetInt32());
        Assert.Empty(summary.GetProperty("unavailable").EnumerateArray());

        var other = await mesh.VerifiedUserAsync("rival");
        await mesh.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/shops", new { name = $"Rival {Guid.NewGuid():N}"[..20], contactEmail = other.Email }, other.Token);
        var rivalToken = await mesh.LoginWithRoleAsync(other.Email, UserRoles.ShopOwner);
        await mesh.SendExpectingAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/shops/{shopId}/summary", null, rivalToken);
    }

    [Fact]
    public async Task A_user_who_verified_after_logging_in_opens_a_shop_with_the_token_from_before()
    {
        var email = ShopMeshFixture.NewEmail("late");
        var userId = await mesh.RegisterAsync(email);
        var stale = await mesh.LoginAsync(email);
        await mesh.SendExpectingAsync(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/shops", new { name = $"Early {Guid.NewGuid():N}"[..20], contactEmail = "early@shop.example.test" }, stale);

        await mesh.VerifyEmailAsync(userId);

        var shop = await mesh.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/shops",
            new { name = $"Late {Guid.NewGuid():N}"[..20], contactEmail = "late@shop.example.test" }, stale);
        Assert.Equal(userId, shop.GetProperty("ownerId").GetGuid());
        // The contact address is the one the owner entered (the login e-mail is never a fallback).
        Assert.Equal("late@shop.example.test", shop.GetProperty("contactEmail").GetString());
    }

    private static object Product(Guid shopId, Guid categoryId, string name, object[] variants) =>
        new { shopId, categoryId, name = $"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], description = "For the dashboard.", price = 25.00m, currency = "EUR", variants };

    private static object Variant(string sku, int stock, int threshold) =>
        new { sku = $"{sku}-{Guid.NewGuid():N}"[..(sku.Length + 9)], name = sku, price = 25.00m, stock, lowStockThreshold = threshold };
}
