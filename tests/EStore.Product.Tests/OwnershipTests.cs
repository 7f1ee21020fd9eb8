using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Platform.Security;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary>Who may change products, categories; validation; suspended shops leave the catalog.</summary>
[Collection(ProductCollection.Name)]
public sealed class OwnershipTests(ProductStack stack)
{
    private const string Kitchen = "00000000-0000-4000-9000-000000000005";

    private static object NewProduct(Guid shopId, string name, string sku, decimal price = 10m, string category = Kitchen) => new
    {
        shopId,
        categoryId = category,
        name,
        description = "Test product",
        price,
        variants = new[] { new { sku, name = "Standard", price, stock = 3 } },
    };

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    private async Task<JsonElement> CreateAsync(object body, string token)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "/api/products", body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Owners_manage_only_their_own_shops_products_customers_not_at_all_admins_everything()
    {
        var tag = Tag();
        var (shopA, ownerA) = await stack.NewShopAsync($"Shop A {tag}");
        var (_, ownerB) = await stack.NewShopAsync($"Shop B {tag}");
        var customer = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);

        var product = await CreateAsync(NewProduct(shopA, $"Pan {tag}", $"PAN-{tag}"), ownerA);
        var id = product.GetProperty("id").GetGuid();
        Assert.Equal($"Shop A {tag}", product.GetProperty("shopName").GetString());
        Assert.Equal("LOW_STOCK", product.GetProperty("stockStatus").GetString());
        var update = new { categoryId = Kitchen, name = $"Pan {tag} v2", description = "Better", price = 12.5m };

        // Another owner: everything about shop A is "not found".
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Post, "/api/products", NewProduct(shopA, "Intruder", $"INT-{tag}")),
            (HttpMethod.Put, $"/api/products/{id}", update),
            (HttpMethod.Post, $"/api/products/{id}/variants", new { sku = $"INT2-{tag}" }),
            (HttpMethod.Delete, $"/api/products/{id}", null),
        })
        {
            using var byOther = await stack.SendAsync(method, path, body, ownerB);
            await byOther.AssertProblemAsync(HttpStatusCode.NotFound);
            using var byCustomer = await stack.SendAsync(method, path, body, customer);
            await byCustomer.AssertProblemAsync(HttpStatusCode.Forbidden);
            using var anonymous = await stack.SendAsync(method, path, body, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        // A demo product belongs to a demo shop, whose owner is someone else.
        using (var demo = await stack.SendAsync(HttpMethod.Put, "/api/products/00000000-0000-4000-8000-000000000009", update, ownerA))
        {
            await demo.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var byOwner = await stack.SendAsync(HttpMethod.Post, $"/api/products/{id}/variants", new { sku = $"PAN-L-{tag}", name = "Large", price = 15m, stock = 40 }, ownerA))
        {
            Assert.Equal(HttpStatusCode.Created, byOwner.StatusCode);
        }
        using (var byAdmin = await stack.SendAsync(HttpMethod.Put, $"/api/products/{id}", update, stack.Admin))
        {
            var body = await byAdmin.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
            Assert.Equal(12.5m, body.GetProperty("price").GetDecimal());
            Assert.Equal(2, body.GetProperty("variants").GetArrayLength());
        }
        using (var delete = await stack.SendAsync(HttpMethod.Delete, $"/api/products/{id}", null, ownerA))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using var gone = await stack.SendAsync(HttpMethod.Get, $"/api/products/{id}", null, null);
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await stack.GetAsync($"/api/products?shopId={shopA}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Invalid_products_are_422_and_duplicate_skus_409()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Validation {tag}");
        using (var invalid = await stack.SendAsync(HttpMethod.Post, "/api/products",
            new { shopId = shop, name = "", price = -1, currency = "euro", variants = new[] { new { sku = "bad sku!", stock = -5 } } }, owner))
        {
            var errors = (await invalid.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("errors");
            foreach (var field in new[] { "name", "price", "currency", "categoryId", "variants[0].sku", "variants[0].stock" })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
            }
        }
        await CreateAsync(NewProduct(shop, $"Original {tag}", $"DUP-{tag}"), owner);
        using var duplicate = await stack.SendAsync(HttpMethod.Post, "/api/products", NewProduct(shop, $"Copy {tag}", $"DUP-{tag}"), owner);
        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        using var noBody = await stack.SendAsync(HttpMethod.Post, "/api/products", null, owner);
        await noBody.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Suspending_a_shop_hides_its_products_until_reactivated()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Suspendable {tag}");
        var id = (await CreateAsync(NewProduct(shop, $"Kettle {tag}", $"KET-{tag}"), owner)).GetProperty("id").GetGuid();
        Assert.Equal(1, (await stack.GetAsync($"/api/products?shopId={shop}")).GetProperty("total").GetInt32());

        await stack.PublishAsync(new ShopStatusChanged(shop, ShopStatus.Suspended, "test") { OccurredAt = DateTimeOffset.UtcNow });
        await WaitForStatusAsync($"/api/products/{id}", HttpStatusCode.NotFound);
        Assert.Equal(0, (await stack.GetAsync($"/api/products?shopId={shop}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await stack.GetAsync($"/api/products?q={tag}")).GetProperty("total").GetInt32());

        await stack.PublishAsync(new ShopStatusChanged(shop, ShopStatus.Active, null) { OccurredAt = DateTimeOffset.UtcNow });
        await WaitForStatusAsync($"/api/products/{id}", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Categories_form_a_tree_admins_change_it_and_filters_include_subcategories()
    {
        var tag = Tag();
        var customer = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.ShopOwner]);
        using (var forbidden = await stack.SendAsync(HttpMethod.Post, "/api/categories", new { name = $"Nope {tag}" }, customer))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        var parent = await CreateCategoryAsync($"Garden {tag}", null);
        var child = await CreateCategoryAsync($"Tools {tag}", parent);
        using (var duplicate = await stack.SendAsync(HttpMethod.Post, "/api/categories", new { name = $"TOOLS {tag}", parentId = parent }, stack.Admin))
        {
            await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        using (var cycle = await stack.SendAsync(HttpMethod.Put, $"/api/categories/{parent}", new { name = $"Garden {tag}", parentId = child }, stack.Admin))
        {
            await cycle.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        }

        var tree = await stack.GetAsync("/api/categories");
        var garden = tree.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == parent);
        Assert.Equal(child, Assert.Single(garden.GetProperty("children").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Contains(tree.EnumerateArray(), c => c.GetProperty("name").GetString() == "Kitchen");

        var (shop, owner) = await stack.NewShopAsync($"Garden shop {tag}");
        await CreateAsync(NewProduct(shop, $"Spade {tag}", $"SPADE-{tag}", category: child.ToString()), owner);
        var byParent = await stack.GetAsync($"/api/products?category={parent}");
        Assert.Equal($"Spade {tag}", Assert.Single(byParent.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        using (var inUse = await stack.SendAsync(HttpMethod.Delete, $"/api/categories/{parent}", null, stack.Admin))
        {
            await inUse.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        var empty = await CreateCategoryAsync($"Empty {tag}", null);
        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"/api/categories/{empty}", null, stack.Admin);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private async Task<Guid> CreateCategoryAsync(string name, Guid? parentId)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "/api/categories", new { name, parentId }, stack.Admin);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private Task WaitForStatusAsync(string path, HttpStatusCode status) =>
        Eventually.GetAsync(async () =>
        {
            using var response = await stack.SendAsync(HttpMethod.Get, path, null, null);
            return response.StatusCode;
        }, answer => answer == status, $"{path} to answer {status}", TimeSpan.FromSeconds(45));
}
