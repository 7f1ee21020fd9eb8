using System.Net;
using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Tests;

/// <summary>Full-text search on PostgreSQL: word prefixes, every word required, relevance, injection-proof.</summary>
[Collection(ProductCollection.Name)]
public sealed class SearchTests(ProductStack stack)
{
    [Fact]
    public async Task Search_matches_word_prefixes_and_needs_every_word()
    {
        var (shop, _) = await ShopWithProductsAsync();

        Assert.Equal(["Gaming Laptop Pro", "Laptop Sleeve"], await NamesAsync($"q=lapt&shopId={shop}&sort=name"));
        Assert.Equal(["Mouse Pad", "Wireless Mouse"], await NamesAsync($"q=wireless%20mouse&shopId={shop}&sort=name"));
        Assert.Equal(["Mouse Pad", "Wired Mouse", "Wireless Mouse"], await NamesAsync($"q=MOUSE%20wire&shopId={shop}&sort=name"));
        Assert.Equal(["Laptop Sleeve"], await NamesAsync($"q=neoprene%20lap&shopId={shop}"));
        Assert.Empty(await NamesAsync($"q=wireless%20keyboard&shopId={shop}"));
    }

    [Fact]
    public async Task Relevance_puts_a_name_match_above_a_description_only_match_and_is_the_default_with_q()
    {
        var (shop, _) = await ShopWithProductsAsync();

        // "Mouse Pad" names neither word but its description has both; "Wireless Mouse" names both.
        Assert.Equal(["Wireless Mouse", "Mouse Pad"], await NamesAsync($"q=wireless%20mouse&shopId={shop}&sort=relevance"));
        Assert.Equal(["Wireless Mouse", "Mouse Pad"], await NamesAsync($"q=wireless%20mouse&shopId={shop}"));
        // "Aardvark Teapot" mentions a kettle only in its description: after the kettle, though its name sorts first.
        Assert.Equal(["Kettle Zeta", "Aardvark Teapot"], await NamesAsync($"q=kettle&shopId={shop}"));
        Assert.Equal(["Aardvark Teapot", "Kettle Zeta"], await NamesAsync($"q=kettle&shopId={shop}&sort=name"));
        // Without q, relevance has nothing to rank: by name.
        Assert.Equal("Aardvark Teapot", (await NamesAsync($"shopId={shop}&sort=relevance"))[0]);
    }

    [Theory]
    [InlineData("'; DROP TABLE products; --", "")]
    [InlineData("lapt:* | !x", "")]
    [InlineData("laptop')) OR ((1=1", "")]
    [InlineData("laptop'--", "Gaming Laptop Pro|Laptop Sleeve")]
    [InlineData("\\ & | ! ( ) : * <-> %_", "")]
    [InlineData("sleeve\" OR \"1\"=\"1", "")]
    public async Task Injection_strings_in_q_are_harmless(string q, string expected)
    {
        var (shop, _) = await ShopWithProductsAsync();

        var names = await NamesAsync($"q={Uri.EscapeDataString(q)}&shopId={shop}&sort=name");

        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), names);
        // The table is still there and whole.
        Assert.Equal(7, (await NamesAsync($"shopId={shop}")).Count);
    }

    [Fact]
    public async Task Too_many_words_or_an_unknown_sort_are_400()
    {
        using var words = await stack.SendAsync(HttpMethod.Get, $"/api/products?q={Uri.EscapeDataString(string.Join(' ', Enumerable.Range(1, 11).Select(i => $"w{i}")))}", null, null);
        await words.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var sort = await stack.SendAsync(HttpMethod.Get, "/api/products?q=mouse&sort=rank", null, null);
        await sort.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_search_vector_is_a_stored_generated_column_with_a_gin_index()
    {
        var indexes = await stack.WithDbAsync(db => db.Database
            .SqlQuery<string>($"SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'products'").ToListAsync());
        Assert.Contains(indexes, d => d.Contains("USING gin (\"SearchVector\")", StringComparison.Ordinal));
        var generated = await stack.WithDbAsync(db => db.Database
            .SqlQuery<string>($"SELECT is_generated AS \"Value\" FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'SearchVector'")
            .SingleAsync());
        Assert.Equal("ALWAYS", generated);
    }

    private async Task<(Guid Shop, string Owner)> ShopWithProductsAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Search {tag}");
        (string Name, string Description)[] products =
        [
            ("Gaming Laptop Pro", "Fast machine for games."),
            ("Laptop Sleeve", "Neoprene, fits 15 inch."),
            ("Wireless Mouse", "Ergonomic, silent clicks."),
            ("Wired Mouse", "A cable and a mouse."),
            ("Mouse Pad", "Works with any wireless mouse."),
            ("Kettle Zeta", "Boils water."),
        ];
        var i = 0;
        foreach (var (name, description) in products)
        {
            await stack.CreateProductAsync(shop, owner, name, description, ($"S-{tag}-{i++}", 5, 1));
        }
        await stack.CreateProductAsync(shop, owner, "Aardvark Teapot", "Better tea than a kettle makes.", ($"S-{tag}-{i}", 5, 1));
        return (shop, owner);
    }

    private async Task<List<string>> NamesAsync(string query)
    {
        var page = await stack.GetAsync($"/api/products?{query}");
        return [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
    }
}
