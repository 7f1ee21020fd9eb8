using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>A shopper browses the demo catalog in chromium, through the gateway.</summary>
[Collection(WebMeshCollection.Name)]
public sealed partial class CatalogTests(WebMesh mesh)
{
    [Fact]
    public Task Shopper_finds_a_product_by_search_and_opens_it() => mesh.InBrowserAsync(nameof(Shopper_finds_a_product_by_search_and_opens_it), async page =>
    {
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to EStore", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Categories" }).GetByRole(AriaRole.Link, new() { Name = "Footwear" })).ToBeVisibleAsync();

        // The search page runs in its circuit (a WebSocket through the gateway, under its Content-Security-Policy).
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await page.GetByLabel("Search words").FillAsync("trail running");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(QueryTrail());
        var found = page.GetByRole(AriaRole.Link, new() { Name = "Trail Running Shoes" });
        await Expect(found).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "USB-C Charger 65W" })).ToHaveCountAsync(0);

        await found.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Trail Running Shoes", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("price")).ToHaveTextAsync(Price());
        await Expect(page.GetByTestId("stock-status")).ToHaveTextAsync(new Regex("In stock|Only a few left"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Summit Outfitters" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task In_stock_filter_leaves_out_a_sold_out_product() => mesh.InBrowserAsync(nameof(In_stock_filter_leaves_out_a_sold_out_product), async page =>
    {
        await page.GotoAsync("/search?q=water%20bottle");
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Insulated Water Bottle" })).ToBeVisibleAsync();

        await page.GetByLabel("In stock only").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("inStock=true"));
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("0 products found");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Insulated Water Bottle" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Shops_directory_leads_to_a_shop_page_with_its_products() => mesh.InBrowserAsync(nameof(Shops_directory_leads_to_a_shop_page_with_its_products), async page =>
    {
        await page.GotoAsync("/shops");
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Volt Electronics" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Volt Electronics", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "USB-C Charger 65W" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Trail Running Shoes" })).ToHaveCountAsync(0);
    });

    [GeneratedRegex(@"/search\?q=trail(%20|\+)running")]
    private static partial Regex QueryTrail();

    [GeneratedRegex(@"^\d+\.\d{2} [A-Z]{3}$")]
    private static partial Regex Price();
}
