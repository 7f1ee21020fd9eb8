using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>Carts in chromium: adding from the product page, quantities, several carts, the guest cart at sign-in.</summary>
[Collection(WebMeshCollection.Name)]
public sealed partial class CartTests(WebMesh mesh) : IAsyncLifetime
{
    /// <summary>A demo product of Summit Outfitters, the demo shop owner's shop.</summary>
    internal const string Shoes = "Trail Running Shoes";

    public Task InitializeAsync() => mesh.StartAppsAsync("cart-service");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Shopper_adds_a_product_to_the_cart_and_changes_the_quantity() => mesh.InBrowserAsync(nameof(Shopper_adds_a_product_to_the_cart_and_changes_the_quantity), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        var price = await AddShoesAsync(page, 2);

        var line = page.GetByTestId("cart-line");
        await Expect(line).ToHaveCountAsync(1);
        await Expect(line).ToContainTextAsync(Shoes);
        await Expect(line.GetByTestId("line-total")).ToHaveTextAsync(Total(price, 2));
        await Expect(page.GetByTestId("cart-total")).ToHaveTextAsync(Total(price, 2));
        await Expect(page.GetByTestId("shop-total")).ToHaveTextAsync(Total(price, 2));
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");

        await page.GetByLabel(new Regex($"^Quantity of {Shoes}")).FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Update quantity of {Shoes}") }).ClickAsync();
        await Expect(line.GetByTestId("line-total")).ToHaveTextAsync(Total(price, 3));
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("3");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Remove {Shoes}") }).ClickAsync();
        await Expect(page.GetByTestId("empty-cart")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("0");
    });

    [Fact]
    public Task A_refused_quantity_shows_the_error_under_the_line_and_keeps_what_was_typed() => mesh.InBrowserAsync(nameof(A_refused_quantity_shows_the_error_under_the_line_and_keeps_what_was_typed), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        var price = await AddShoesAsync(page, 1);

        // More than cart-service's 99 per line: its 422 names `quantity`; the line keeps its old total.
        var quantity = page.GetByLabel(new Regex($"^Quantity of {Shoes}"));
        await quantity.FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Update quantity of {Shoes}") }).ClickAsync();

        await Expect(page.GetByTestId("cart-line").Locator(".field-error")).Not.ToHaveCountAsync(0);
        await Expect(quantity).ToHaveValueAsync("500");
        await Expect(page.GetByTestId("line-total")).ToHaveTextAsync(Total(price, 1));
    });

    [Fact]
    public Task Shopper_keeps_several_carts_and_switches_between_them() => mesh.InBrowserAsync(nameof(Shopper_keeps_several_carts_and_switches_between_them), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        await page.GotoAsync("/cart");
        await page.GetByLabel("New cart").FillAsync("Birthday gifts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Birthday gifts", Level = 1 })).ToBeVisibleAsync();

        await AddShoesAsync(page, 1);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Birthday gifts", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Use Shopping cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shopping cart", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("empty-cart")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("0");

        await page.GetByRole(AriaRole.Button, new() { Name = "Use Birthday gifts" }).ClickAsync();
        await page.GetByLabel("Name of this cart").FillAsync("Gifts for Sam");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gifts for Sam", Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete this cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shopping cart", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cart-choice")).ToHaveCountAsync(1);
    });

    [Fact]
    public Task A_guest_cart_joins_the_account_at_sign_in() => mesh.InBrowserAsync(nameof(A_guest_cart_joins_the_account_at_sign_in), async page =>
    {
        var price = await AddShoesAsync(page, 2);
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");

        // The guest cart's token is a secret: sealed in an HttpOnly cookie, nothing readable by script.
        var guest = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "estore.cart");
        Assert.True(guest.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, guest.SameSite);
        Assert.Equal("", await page.EvaluateAsync<string>("document.cookie"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));

        await mesh.SignInNewUserAsync(page);
        await page.GotoAsync("/cart");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shopping cart", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cart-line")).ToContainTextAsync(Shoes);
        await Expect(page.GetByTestId("cart-total")).ToHaveTextAsync(Total(price, 2));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "estore.cart");
    });

    [Fact]
    public Task Another_users_cart_is_not_found_and_the_shoppers_own_is_shown() => mesh.InBrowserAsync(nameof(Another_users_cart_is_not_found_and_the_shoppers_own_is_shown), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Cart Owner");
        await page.GotoAsync("/cart");
        await page.GetByLabel("New cart").FillAsync("Private wishes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Private wishes", Level = 1 })).ToBeVisibleAsync();
        var ownersCart = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "estore.cart.current").Value;

        // A second shopper whose browser names the first one's cart: cart-service answers 404, the page shows their own.
        await page.Context.ClearCookiesAsync();
        await mesh.SignInNewUserAsync(page, "Curious Shopper");
        var gateway = new Uri(page.Url);
        await page.Context.AddCookiesAsync([new Cookie { Name = "estore.cart.current", Value = ownersCart, Domain = gateway.Host, Path = "/" }]);
        await page.GotoAsync("/cart");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shopping cart", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Private wishes")).ToHaveCountAsync(0);
    });

    /// <summary>Opens the shoes, adds <paramref name="quantity"/> of the first variant, lands on the cart; answers the unit price.</summary>
    internal static async Task<Price> AddShoesAsync(IPage page, int quantity)
    {
        await page.GotoAsync("/search?q=trail%20running");
        // Followed by address rather than clicked: the search page's circuit may re-render the results just then, and a
        // click on the link it replaced is lost (seen under load).
        var product = await page.GetByRole(AriaRole.Link, new() { Name = Shoes }).GetAttributeAsync("href");
        await page.GotoAsync(product!);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Shoes, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        var shown = (await page.GetByTestId("price").TextContentAsync())!.Split(' ');
        var price = new Price(decimal.Parse(shown[0], CultureInfo.InvariantCulture), shown[1]);
        await page.GetByLabel("Quantity", new() { Exact = true }).FillAsync(quantity.ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(CartUrl());
        return price;
    }

    internal static string Total(Price price, int quantity) =>
        string.Create(CultureInfo.InvariantCulture, $"{price.Amount * quantity:0.00} {price.Currency}");

    internal sealed record Price(decimal Amount, string Currency);

    [GeneratedRegex("/cart$")]
    private static partial Regex CartUrl();
}
