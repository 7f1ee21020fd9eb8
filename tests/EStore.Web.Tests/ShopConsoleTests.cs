using EStore.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>The shop-owner console in chromium, as the demo owner of Summit Outfitters and as someone else.</summary>
[Collection(WebMeshCollection.Name)]
public sealed class ShopConsoleTests(WebMesh mesh)
{
    /// <summary>The demo shop owner's shop.</summary>
    internal const string SummitOutfitters = "00000000-0000-4000-b000-000000000001";

    [Fact]
    public Task Shop_owner_creates_a_product_and_adjusts_its_stock() => mesh.InBrowserAsync(nameof(Shop_owner_creates_a_product_and_adjusts_its_stock), async page =>
    {
        await WebMesh.SignInAsync(page, DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);
        // Followed by address rather than clicked: the home page's circuit may re-render the top bar just then, and a
        // click on the element it replaced is lost (seen once under load).
        var myShops = await page.GetByRole(AriaRole.Link, new() { Name = "My shops" }).GetAttributeAsync("href");
        await page.GotoAsync(myShops!);
        await page.GetByTestId("my-shop").GetByRole(AriaRole.Link, new() { Name = "Summit Outfitters" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Summit Outfitters", Level = 1 })).ToBeVisibleAsync();

        var sku = $"WEB-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await page.GetByLabel("Product name").FillAsync("Camp Lantern " + sku);
        await page.GetByLabel("Description", new() { Exact = true }).FillAsync("A lantern for the tent.");
        await page.GetByLabel("Price").FillAsync("24.50");
        await page.GetByLabel("Variant SKU").FillAsync(sku);
        await page.GetByLabel("Variant name").FillAsync("Standard");
        await page.GetByLabel("Stock", new() { Exact = true }).FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();

        var row = page.Locator($"[data-testid=inventory-row][data-sku='{sku}']");
        await Expect(row.GetByTestId("on-hand")).ToHaveTextAsync("5");

        await page.GetByLabel($"Change of {sku}").FillAsync("3");
        await page.GetByLabel($"Reason for {sku}").FillAsync("Restock from supplier");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Adjust stock of {sku}" }).ClickAsync();
        await Expect(row.GetByTestId("on-hand")).ToHaveTextAsync("8");

        // The CSV comes through web with the owner's session; the browser never holds a token.
        var csv = await page.Context.APIRequest.GetAsync($"/console/shops/{SummitOutfitters}/inventory.csv");
        Assert.Equal(200, csv.Status);
        Assert.Contains(sku, await csv.TextAsync(), StringComparison.Ordinal);
    });

    [Fact]
    public Task A_shop_owner_sees_the_API_error_next_to_the_field_and_keeps_the_form() => mesh.InBrowserAsync(nameof(A_shop_owner_sees_the_API_error_next_to_the_field_and_keeps_the_form), async page =>
    {
        await WebMesh.SignInAsync(page, DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);
        await page.GotoAsync($"/console/shops/{SummitOutfitters}");
        await page.GetByLabel("Product name").FillAsync("Negative price");
        await page.GetByLabel("Price").FillAsync("-5");
        await page.GetByLabel("Variant SKU").FillAsync("WEB-NEGATIVE");
        await page.GetByLabel("Variant name").FillAsync("Standard");
        await page.GetByLabel("Stock", new() { Exact = true }).FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();

        await Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
        await Expect(page.Locator("#price-errors")).Not.ToBeEmptyAsync();
        await Expect(page.GetByLabel("Product name")).ToHaveValueAsync("Negative price");
    });

    [Fact]
    public Task A_non_owner_gets_not_found_on_someone_elses_shop_console() => mesh.InBrowserAsync(nameof(A_non_owner_gets_not_found_on_someone_elses_shop_console), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Not The Owner");
        await page.GotoAsync($"/console/shops/{SummitOutfitters}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shop not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create product" })).ToHaveCountAsync(0);

        var csv = await page.Context.APIRequest.GetAsync($"/console/shops/{SummitOutfitters}/inventory.csv");
        Assert.Equal(404, csv.Status);
    });
}
