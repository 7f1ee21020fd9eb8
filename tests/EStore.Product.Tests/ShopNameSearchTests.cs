using EStore.Product.Data;
using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Tests;

/// <summary>
/// The catalog's shopName filter compares <c>UnicodeText.ComparisonKey</c>s, as shop-service's directory does: what
/// <c>/api/shops?q=</c> finds, <c>/api/products?shopName=</c> finds too.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class ShopNameSearchTests(ProductStack stack)
{
    [Fact]
    public async Task Full_width_and_extra_space_shop_names_find_the_shops_products()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Volt Wide {tag}");
        await stack.SendOkAsync(HttpMethod.Post, "/api/products", new
        {
            shopId = shop,
            categoryId = ProductHelpers.Kitchen,
            name = $"Kettle {tag}",
            price = 25m,
            variants = new[] { new { sku = $"KET-{tag}", stock = 5 } },
        }, owner);

        foreach (var query in new[] { $"Ｖｏｌｔ Ｗｉｄｅ {tag}", $"  volt   wide\u3000{tag} ", $"VOLT WIDE {tag.ToUpperInvariant()}", FullWidth(tag) })
        {
            var page = await stack.GetAsync($"/api/products?shopName={Uri.EscapeDataString(query)}");
            Assert.Equal(1, page.GetProperty("total").GetInt32());
            Assert.Equal($"Kettle {tag}", page.GetProperty("items")[0].GetProperty("name").GetString());
        }
        // A lookalike (Cyrillic о) is another name: the filter compares width, space and case only.
        Assert.Equal(0, (await stack.GetAsync($"/api/products?shopName={Uri.EscapeDataString($"Vоlt Wide {tag}")}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Keys_stored_by_the_old_trim_and_upper_case_are_recomputed_at_startup()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Ｏｌｄ  Wide {tag}");
        await stack.SendOkAsync(HttpMethod.Post, "/api/products", new
        {
            shopId = shop,
            categoryId = ProductHelpers.Kitchen,
            name = $"Toaster {tag}",
            price = 25m,
            variants = new[] { new { sku = $"TOA-{tag}", stock = 5 } },
        }, owner);
        // What the row held before the keys were NFKC-normalised: the name trimmed and upper-cased only.
        var oldKey = $"Ｏｌｄ  Wide {tag}".Trim().ToUpperInvariant();
        await stack.WithDbAsync(db => db.Shops.Where(s => s.Id == shop)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.NormalizedName, oldKey)));
        Assert.Equal(0, (await stack.GetAsync($"/api/products?shopName={Uri.EscapeDataString($"old wide {tag}")}")).GetProperty("total").GetInt32());

        // The startup step (ShopNameKeys, run before the demo seed) rewrites the key; other shops' keys are current already.
        await stack.WithDbAsync(db => ShopNameKeys.RecomputeAsync(db, CancellationToken.None));

        Assert.Equal($"OLD WIDE {tag.ToUpperInvariant()}", await stack.WithDbAsync(db => db.Shops.Where(s => s.Id == shop).Select(s => s.NormalizedName).SingleAsync()));
        Assert.Equal(1, (await stack.GetAsync($"/api/products?shopName={Uri.EscapeDataString($"old wide {tag}")}")).GetProperty("total").GetInt32());
        Assert.Equal(0, await stack.WithDbAsync(db => ShopNameKeys.RecomputeAsync(db, CancellationToken.None)));
    }

    [Fact]
    public void KeyOf_is_the_platform_comparison_key_within_the_column_length()
    {
        Assert.Equal("DAILY GRIND KITCHEN", ShopRecord.KeyOf("  Ｄａｉｌｙ   Grind\u3000kitchen "));
        // U+FDFA is one character whose NFKC form is eighteen: an old unnormalised name can outgrow the column.
        var key = ShopRecord.KeyOf(new string('\uFDFA', 10));
        Assert.Equal(ShopRecord.MaxNameLength, key.Length);
    }

    private static string FullWidth(string text) =>
        string.Concat(text.Select(c => c is >= '!' and <= '~' ? (char)(c - 0x21 + 0xFF01) : c));
}
