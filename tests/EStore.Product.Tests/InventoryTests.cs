using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Platform.Security;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary>Setting and adjusting stock: ownership, validation, the ledger, never below zero.</summary>
[Collection(ProductCollection.Name)]
public sealed class InventoryTests(ProductStack stack)
{
    [Fact]
    public async Task Owners_set_and_adjust_their_own_stock_and_every_change_is_in_the_ledger()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Stock {tag}");
        var (_, other) = await stack.NewShopAsync($"Other {tag}");
        using var created = await stack.SendAsync(HttpMethod.Post, "/api/products", new
        {
            shopId = shop,
            categoryId = "00000000-0000-4000-9000-000000000005",
            name = $"Cup {tag}",
            price = 5m,
            variants = new[] { new { sku = $"CUP-{tag}", stock = 10 } },
        }, owner);
        var variantId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("variants")[0].GetProperty("id").GetGuid();

        using (var byOther = await stack.SendAsync(HttpMethod.Put, $"/api/inventory/{variantId}", new { stock = 99 }, other))
        {
            await byOther.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var byCustomer = await stack.SendAsync(HttpMethod.Post, $"/api/inventory/{variantId}/adjust", new { delta = 1, reason = "x" },
            stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer])))
        {
            await byCustomer.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var invalid = await stack.SendAsync(HttpMethod.Post, $"/api/inventory/{variantId}/adjust", new { delta = 0 }, owner))
        {
            var errors = (await invalid.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("delta", out _));
            Assert.True(errors.TryGetProperty("reason", out _));
        }

        var set = await SendOkAsync(HttpMethod.Put, $"/api/inventory/{variantId}", new { stock = 4, lowStockThreshold = 2, reason = "stocktake" }, owner);
        Assert.Equal(4, set.GetProperty("stock").GetInt32());
        Assert.Equal(-6, set.GetProperty("movement").GetProperty("delta").GetInt32());
        Assert.Equal("IN_STOCK", set.GetProperty("stockStatus").GetString());

        var adjusted = await SendOkAsync(HttpMethod.Post, $"/api/inventory/{variantId}/adjust", new { delta = -3, reason = "damaged" }, owner);
        Assert.Equal(1, adjusted.GetProperty("stock").GetInt32());
        Assert.Equal("LOW_STOCK", adjusted.GetProperty("stockStatus").GetString());
        Assert.Equal("damaged", adjusted.GetProperty("movement").GetProperty("reason").GetString());

        using (var below = await stack.SendAsync(HttpMethod.Post, $"/api/inventory/{variantId}/adjust", new { delta = -2, reason = "oops" }, owner))
        {
            await below.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        var byAdmin = await SendOkAsync(HttpMethod.Post, $"/api/inventory/{variantId}/adjust", new { delta = 9, reason = "restock" }, stack.Admin);
        Assert.Equal(10, byAdmin.GetProperty("stock").GetInt32());
        Assert.Equal(10, byAdmin.GetProperty("movement").GetProperty("stockAfter").GetInt32());

        // A malformed id matches no route: the platform's 404 problem.
        using var bad = await stack.SendAsync(HttpMethod.Put, "/api/inventory/not-a-uuid", new { stock = 1 }, owner);
        await bad.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<JsonElement> SendOkAsync(HttpMethod method, string path, object body, string token)
    {
        using var response = await stack.SendAsync(method, path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
