using System.Net;
using System.Text.Json;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary>Product and variant names are normalised and may not hide characters; pages are bounded.</summary>
[Collection(ProductCollection.Name)]
public sealed class ProductNameTests(ProductStack stack)
{
    private const string Kitchen = "00000000-0000-4000-9000-000000000005";

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    private static object NewProduct(Guid shopId, string name, string sku, string variantName = "Standard") => new
    {
        shopId,
        categoryId = Kitchen,
        name,
        description = "Test product",
        price = 10m,
        variants = new[] { new { sku, name = variantName, price = 10m, stock = 3 } },
    };

    [Theory]
    [InlineData("right-to-left override", "Kettle \u202Egnp.exe", "bidirectional")]
    [InlineData("first-strong isolate", "Kettle \u2068Deluxe\u2069", "bidirectional")]
    [InlineData("zero-width space", "Ket\u200Btle", "zero-width")]
    [InlineData("zero-width non-joiner", "Kett\u200Cle", "zero-width")]
    [InlineData("NUL", "Kettle\0", "NUL")]
    public async Task A_product_name_with_bidi_zero_width_or_control_characters_is_refused_with_422(string kind, string name, string described)
    {
        var tag = Tag();
        var (shopId, owner) = await stack.NewShopAsync($"Names {tag}");

        using var response = await stack.SendAsync(HttpMethod.Post, "/api/products", NewProduct(shopId, $"{name} {tag}", $"K-{tag}"), owner);
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var error = Assert.Single(problem.GetProperty("errors").GetProperty("name").EnumerateArray()).GetString()!;
        Assert.True(error.Contains(described, StringComparison.Ordinal), $"{kind}: {error}");

        // The same on a variant (new product, added variant) and on an edit.
        using var variant = await stack.SendAsync(HttpMethod.Post, "/api/products", NewProduct(shopId, $"Kettle {tag}", $"K-{tag}", name), owner);
        var variantProblem = await variant.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(variantProblem.GetProperty("errors").TryGetProperty("variants[0].name", out _), variantProblem.ToString());

        var created = await stack.SendOkAsync(HttpMethod.Post, "/api/products", NewProduct(shopId, $"Kettle {tag}", $"K-{tag}"), owner);
        var id = created.GetProperty("id").GetGuid();
        using var added = await stack.SendAsync(HttpMethod.Post, $"/api/products/{id}/variants",
            new { sku = $"K2-{tag}", name, price = 10m, stock = 1 }, owner);
        var addedProblem = await added.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(addedProblem.GetProperty("errors").TryGetProperty("name", out _), addedProblem.ToString());
        using var edited = await stack.SendAsync(HttpMethod.Put, $"/api/products/{id}",
            new { categoryId = Kitchen, name, description = "x", price = 10m }, owner);
        await edited.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Product_and_variant_names_are_stored_NFKC_normalised_with_single_spaces()
    {
        var tag = Tag();
        var (shopId, owner) = await stack.NewShopAsync($"Normal {tag}");

        var product = await stack.SendOkAsync(HttpMethod.Post, "/api/products",
            NewProduct(shopId, $"  Ｋｅｔｔｌｅ\u00A0\u00A0Cafe\u0301 {tag} ", $"N-{tag}", " Ｌａｒｇｅ   one "), owner);

        Assert.Equal($"Kettle Café {tag}", product.GetProperty("name").GetString());
        Assert.Equal("Large one", product.GetProperty("variants")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=2147483647&size=100")]
    [InlineData("page=99999999999")]
    [InlineData("page=10001")]
    public async Task A_page_beyond_the_limit_is_refused_with_400_naming_page(string query)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/products?{query}", null, null);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("page", out _), problem.ToString());
        Assert.Contains("'page'", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_allowed_page_answers_an_empty_page_not_every_product()
    {
        var page = await stack.GetAsync("/api/products?page=10000&size=100");
        Assert.Equal(10000, page.GetProperty("page").GetInt32());
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, page.GetProperty("total").ValueKind);
    }
}
