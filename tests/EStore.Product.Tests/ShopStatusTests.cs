using System.Net;
using System.Text;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Tests;

/// <summary>The shop projection follows shop.events: a shop sells only while ACTIVE; demo shops are upserted.</summary>
[Collection(ProductCollection.Name)]
public sealed class ShopStatusTests(ProductStack stack)
{
    private static readonly Guid DailyGrindKitchen = Guid.Parse("00000000-0000-4000-b000-000000000002");

    [Fact]
    public async Task A_pending_shops_product_is_not_in_the_catalog_until_the_shop_is_approved()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Awaiting {tag}", ShopStatus.Pending);

        // The owner already manages the products of a shop waiting for approval...
        var created = await stack.SendOkAsync(HttpMethod.Post, "/api/products", new
        {
            shopId = shop,
            categoryId = ProductHelpers.Kitchen,
            name = $"Teapot {tag}",
            price = 30m,
            variants = new[] { new { sku = $"TEA-{tag}", stock = 5 } },
        }, owner);
        var id = created.GetProperty("id").GetGuid();
        var renamed = await stack.SendOkAsync(HttpMethod.Put, $"/api/products/{id}",
            new { categoryId = ProductHelpers.Kitchen, name = $"Cast Iron Teapot {tag}", price = 32m }, owner);
        Assert.Equal($"Cast Iron Teapot {tag}", renamed.GetProperty("name").GetString());
        await stack.SendOkAsync(HttpMethod.Post, $"/api/inventory/{created.GetProperty("variants")[0].GetProperty("id").GetGuid()}/adjust",
            new { delta = 3, reason = "delivery" }, owner);

        // ...but shoppers see none of them.
        Assert.Equal(0, (await stack.GetAsync($"/api/products?shopId={shop}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await stack.GetAsync($"/api/products?q={tag}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await stack.GetAsync($"/api/products?shopName=awaiting%20{tag}")).GetProperty("total").GetInt32());
        using (var hidden = await stack.SendAsync(HttpMethod.Get, $"/api/products/{id}", null, null))
        {
            await hidden.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        await stack.PublishAsync(new ShopStatusChanged(shop, ShopStatus.Active, null) { OccurredAt = DateTimeOffset.UtcNow });

        await Eventually.TrueAsync(
            async () => (await stack.GetAsync($"/api/products?shopName=awaiting%20{tag}")).GetProperty("total").GetInt32() == 1,
            "the approved shop's product is listed", TimeSpan.FromSeconds(30));
        var listed = await stack.GetAsync($"/api/products/{id}");
        Assert.Equal($"Cast Iron Teapot {tag}", listed.GetProperty("name").GetString());
        Assert.Equal($"Awaiting {tag}", listed.GetProperty("shopName").GetString());
        Assert.Equal(8, listed.GetProperty("variants")[0].GetProperty("stock").GetInt32());
    }

    [Fact]
    public async Task A_closed_shops_products_leave_the_catalog()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Closing {tag}");
        await stack.CreateProductAsync(shop, owner, $"Spoon {tag}", "Wooden.", ($"SPN-{tag}", 4, 1));
        Assert.Equal(1, (await stack.GetAsync($"/api/products?shopId={shop}")).GetProperty("total").GetInt32());

        await stack.PublishAsync(new ShopStatusChanged(shop, ShopStatus.Closed, "retired") { OccurredAt = DateTimeOffset.UtcNow });

        await Eventually.TrueAsync(
            async () => (await stack.GetAsync($"/api/products?shopId={shop}")).GetProperty("total").GetInt32() == 0,
            "the closed shop's product is gone", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ShopCreated_for_a_seeded_demo_shop_updates_its_row_instead_of_failing()
    {
        var before = await stack.GetAsync("/api/products?shopName=daily%20grind");
        Assert.Equal(3, before.GetProperty("total").GetInt32());
        var created = new ShopCreated(DailyGrindKitchen, Guid.Parse("00000000-0000-4000-c000-000000000002"), "Daily Grind Kitchen",
            "daily-grind-kitchen@demo.estore.example", ShopStatus.Active)
        { OccurredAt = DateTimeOffset.UtcNow };

        await stack.PublishAsync(created);

        await Eventually.TrueAsync(
            () => stack.WithDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.EventId == created.EventId)),
            "product-service processed the demo shop's ShopCreated", TimeSpan.FromSeconds(30));
        Assert.Equal(1, await stack.WithDbAsync(db => db.Shops.CountAsync(s => s.Id == DailyGrindKitchen)));
        Assert.Equal(3, (await stack.GetAsync("/api/products?shopName=daily%20grind")).GetProperty("total").GetInt32());
    }

    [Fact]
    public void A_ShopCreated_written_before_it_carried_a_status_reads_as_active()
    {
        var shop = Guid.NewGuid();
        var json = $$"""{"shopId":"{{shop}}","ownerId":"{{Guid.NewGuid()}}","name":"Old","contactEmail":"o@example.test","eventId":"{{Guid.NewGuid()}}","occurredAt":"2026-01-01T00:00:00+00:00"}""";

        var created = (ShopCreated)EventJson.Deserialize(Encoding.UTF8.GetBytes(json), typeof(ShopCreated));

        Assert.Equal(shop, created.ShopId);
        Assert.Equal(ShopStatus.Active, created.Status);
        Assert.Contains("\"status\":\"Pending\"", EventJson.Serialize(created with { Status = ShopStatus.Pending }), StringComparison.Ordinal);
    }
}
