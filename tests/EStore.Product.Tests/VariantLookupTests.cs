using System.Net;
using EStore.Contracts.Events;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary><c>GET /api/products/variants?ids=</c>: the batched variant lookup other services (cart reads) use.</summary>
[Collection(ProductCollection.Name)]
public sealed class VariantLookupTests(ProductStack stack)
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task One_anonymous_call_answers_every_variant_with_price_and_stock_and_only_the_state_of_deleted_or_hidden_ones()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Lookup {tag}");
        var (hiddenShop, hiddenOwner) = await stack.NewShopAsync($"Hidden {tag}", ShopStatus.Pending);
        var (_, live) = await stack.CreateProductAsync(shop, owner, $"Mug {tag}", "A mug", ($"MUG-S-{tag}", 5, 1), ($"MUG-L-{tag}", 0, 1));
        var (deletedProduct, deleted) = await stack.CreateProductAsync(shop, owner, $"Old {tag}", "Gone", ($"OLD-{tag}", 3, 1));
        var (_, hidden) = await stack.CreateProductAsync(hiddenShop, hiddenOwner, $"Secret {tag}", "Not yet", ($"SEC-{tag}", 3, 1));
        await stack.SendOkAsync(HttpMethod.Delete, $"/api/products/{deletedProduct}", null, owner);
        var unknown = Guid.NewGuid();

        var answer = await stack.GetAsync($"/api/products/variants?ids={live[0]}&ids={live[1]}&ids={deleted[0]}&ids={hidden[0]}&ids={unknown}");

        var byId = answer.EnumerateArray().ToDictionary(v => v.GetProperty("variantId").GetGuid());
        Assert.Equal(4, byId.Count);
        Assert.False(byId.ContainsKey(unknown));
        var small = byId[live[0]];
        Assert.Equal("AVAILABLE", small.GetProperty("state").GetString());
        Assert.Equal($"Mug {tag}", small.GetProperty("productName").GetString());
        Assert.Equal($"Lookup {tag}", small.GetProperty("shopName").GetString());
        Assert.Equal(shop, small.GetProperty("shopId").GetGuid());
        Assert.Equal(10m, small.GetProperty("price").GetDecimal());
        Assert.Equal("EUR", small.GetProperty("currency").GetString());
        Assert.Equal(5, small.GetProperty("available").GetInt32());
        Assert.Equal("OUT_OF_STOCK", byId[live[1]].GetProperty("stockStatus").GetString());
        foreach (var (id, state) in new[] { (deleted[0], "DELETED"), (hidden[0], "HIDDEN") })
        {
            Assert.Equal(state, byId[id].GetProperty("state").GetString());
            // Nothing about a product that is not for sale: null members are left out of the answer.
            Assert.False(byId[id].TryGetProperty("productName", out _));
            Assert.False(byId[id].TryGetProperty("price", out _));
        }
    }

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "&ids=not-a-uuid")]
    [InlineData(101, "")]
    public async Task No_ids_too_many_or_malformed_ones_are_400(int ids, string extra)
    {
        var query = string.Join('&', Enumerable.Range(0, ids).Select(_ => $"ids={Guid.NewGuid()}")) + extra;

        using var response = await stack.SendAsync(HttpMethod.Get, "/api/products/variants?" + query.TrimStart('&'), null, null);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
