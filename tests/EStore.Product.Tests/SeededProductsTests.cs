using System.Globalization;
using System.Net;
using System.Text.Json;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary>Search, filters and sorting give exactly the expected products of the seeded demo catalog.</summary>
[Collection(SeededCollection.Name)]
public sealed class SeededProductsTests(ProductStack stack)
{
    private const string Outdoor = "00000000-0000-4000-9000-000000000003";
    private const string Electronics = "00000000-0000-4000-9000-000000000006";
    private const string SummitOutfitters = "00000000-0000-4000-b000-000000000001";

    [Fact]
    public async Task The_default_list_is_unchanged_and_shows_variants_and_stock()
    {
        var page = await stack.GetAsync("/api/products?size=100");
        Assert.Equal(12, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("Chef's Knife 20cm", items[0].GetProperty("name").GetString());
        Assert.Equal(Names(page), Names(page).Order(StringComparer.Ordinal));
        var bottle = items.Single(p => p.GetProperty("name").GetString() == "Insulated Water Bottle");
        Assert.Equal("OUT_OF_STOCK", bottle.GetProperty("stockStatus").GetString());
        Assert.Equal("Outdoor", bottle.GetProperty("category").GetString());
        Assert.Equal(SummitOutfitters, bottle.GetProperty("shopId").GetString());
        Assert.Equal("Summit Outfitters", bottle.GetProperty("shopName").GetString());
        Assert.Equal(["IWB-500 500 ml 24.00 0 OUT_OF_STOCK", "IWB-750 750 ml 27.00 0 OUT_OF_STOCK"], Variants(bottle));

        var tent = await stack.GetAsync("/api/products/00000000-0000-4000-8000-000000000006");
        Assert.Equal("Two-Person Tent", tent.GetProperty("name").GetString());
        Assert.Equal("IN_STOCK", tent.GetProperty("stockStatus").GetString());
        var shirt = await stack.GetAsync("/api/products/00000000-0000-4000-8000-000000000004");
        Assert.Equal(
            ["OCT-BLK-L Black / L 19.99 4 LOW_STOCK", "OCT-BLK-M Black / M 19.99 0 OUT_OF_STOCK", "OCT-WHT-M White / M 19.99 35 IN_STOCK", "OCT-WHT-S White / S 19.99 40 IN_STOCK"],
            Variants(shirt));
        // Every product is in one of the three demo shops, every variant has its own SKU.
        Assert.Equal(
            ["Daily Grind Kitchen:3", "Summit Outfitters:7", "Volt Electronics:2"],
            items.GroupBy(p => p.GetProperty("shopName").GetString()).Select(g => $"{g.Key}:{g.Count()}").Order(StringComparer.Ordinal));
        var skus = items.SelectMany(p => p.GetProperty("variants").EnumerateArray()).Select(v => v.GetProperty("sku").GetString()).ToList();
        Assert.Equal(skus.Count, skus.Distinct().Count());
        Assert.True(skus.Count >= 24, $"only {skus.Count} variants");
    }

    [Theory]
    [InlineData($"category={Outdoor}", "Headlamp 400|Insulated Water Bottle|Two-Person Tent")]
    [InlineData($"category={Outdoor}&inStock=true", "Headlamp 400|Two-Person Tent")]
    [InlineData("minPrice=20&maxPrice=39.95&sort=price", "Insulated Water Bottle|Espresso Beans 1kg|USB-C Charger 65W|Headlamp 400")]
    [InlineData("sort=-price&size=2", "Two-Person Tent|Noise-Cancelling Headphones")]
    [InlineData("sort=newest&size=2", "USB-C Charger 65W|Noise-Cancelling Headphones")]
    [InlineData("q=SHOES", "Trail Running Shoes")]
    [InlineData("q=chocolate", "Espresso Beans 1kg")]
    // Word prefixes of name or description; "rechargeable" does not start with "charge".
    [InlineData("q=lapt", "USB-C Charger 65W")]
    [InlineData("q=charge", "USB-C Charger 65W")]
    [InlineData("q=hot%20drinks", "Insulated Water Bottle")]
    [InlineData("q=hot%20coffee", "")]
    [InlineData("q=%25", "")]
    [InlineData("q=%27%20OR%201%3D1%20--", "")]
    [InlineData("inStock=true&maxPrice=80&sort=price", "Stoneware Mug|Merino Wool Socks|Organic Cotton T-Shirt|Espresso Beans 1kg|USB-C Charger 65W|Headlamp 400")]
    // Shop name: a case-insensitive substring, combinable with every other filter.
    [InlineData("shopName=volt", "Noise-Cancelling Headphones|USB-C Charger 65W")]
    [InlineData("shopName=GRIND%20kitchen&sort=price", "Stoneware Mug|Espresso Beans 1kg|Chef's Knife 20cm")]
    [InlineData($"shopName=outfit&category={Outdoor}&inStock=true", "Headlamp 400|Two-Person Tent")]
    [InlineData("shopName=summit&maxPrice=20&sort=-price", "Organic Cotton T-Shirt|Merino Wool Socks")]
    [InlineData("shopName=Summit&q=hood", "Waterproof Jacket")]
    [InlineData($"shopName=summit&category={Electronics}", "")]
    [InlineData("shopName=%20%20volt%20", "Noise-Cancelling Headphones|USB-C Charger 65W")]
    // The same comparison key as shop-service's directory search: full-width letters, inner white-space runs.
    [InlineData("shopName=%EF%BC%B6%EF%BD%8F%EF%BD%8C%EF%BD%94", "Noise-Cancelling Headphones|USB-C Charger 65W")]
    [InlineData("shopName=daily%20%20%20grind", "Chef's Knife 20cm|Espresso Beans 1kg|Stoneware Mug")]
    [InlineData("shopName=%E3%80%80GRIND%E3%80%80%E3%80%80kitchen&sort=price", "Stoneware Mug|Espresso Beans 1kg|Chef's Knife 20cm")]
    // q is NFKC-normalised before it is split into words: full-width "ｃｈａｒｇｅ" is "charge".
    [InlineData("q=%EF%BD%83%EF%BD%88%EF%BD%81%EF%BD%92%EF%BD%87%EF%BD%85", "USB-C Charger 65W")]
    [InlineData($"shopName=o&shopId={SummitOutfitters}&minPrice=100", "Two-Person Tent|Waterproof Jacket")]
    [InlineData("shopName=nowhere", "")]
    [InlineData("shopName=%25", "")]
    [InlineData("shopName=_", "")]
    [InlineData("shopName=%27%20OR%201%3D1%20--", "")]
    public async Task Filters_and_sorting_return_exactly_the_expected_products(string query, string expected)
    {
        var page = await stack.GetAsync($"/api/products?{query}");
        var names = expected.Length == 0 ? [] : expected.Split('|');
        Assert.Equal(names, Names(page));
        if (!query.Contains("size=", StringComparison.Ordinal))
        {
            Assert.Equal(names.Length, page.GetProperty("total").GetInt32());
        }
    }

    [Theory]
    [InlineData("sort=bogus")]
    [InlineData("sort=name;DROP%20TABLE%20products")]
    [InlineData("minPrice=-1")]
    [InlineData("minPrice=10&maxPrice=5")]
    [InlineData("maxPrice=abc")]
    [InlineData("size=10000")]
    [InlineData("page=0")]
    [InlineData("category=not-a-uuid")]
    [InlineData("inStock=maybe")]
    [InlineData("shopName=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task Bad_parameters_are_400_problems(string query)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/products?{query}", null, null);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static List<string> Variants(JsonElement product) =>
        [.. product.GetProperty("variants").EnumerateArray().Select(v =>
            $"{v.GetProperty("sku").GetString()} {v.GetProperty("name").GetString()} {v.GetProperty("price").GetDecimal().ToString("0.00", CultureInfo.InvariantCulture)} {v.GetProperty("stock").GetInt32()} {v.GetProperty("stockStatus").GetString()}")];

    private static List<string> Names(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
}
