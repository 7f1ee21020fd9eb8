using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EStore.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>
/// Checkout, the shopper's orders, the shop owner's orders and the admin's list in chromium, with order-service and the
/// saga's services (cart, address, payment on the test kit's sandbox) as real processes.
/// </summary>
[Collection(WebMeshCollection.Name)]
public sealed partial class OrderTests(WebMesh mesh) : IAsyncLifetime
{
    private const string GoodCard = "4242424242424242";
    private const string DeclinedCard = "4000000000000002";

    // The saga's outcome travels over the broker: confirmation may take longer than a page's default wait.
    private static readonly LocatorAssertionsToHaveTextOptions Saga = new() { Timeout = 60_000 };

    public Task InitializeAsync() => mesh.StartAppsAsync("cart-service", "address-service", "payment-service", "order-service");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task A_new_shopper_buys_sees_it_confirmed_the_owner_ships_it_the_shopper_sees_it_shipped_and_an_admin_finds_it() =>
        mesh.InBrowserAsync(nameof(A_new_shopper_buys_sees_it_confirmed_the_owner_ships_it_the_shopper_sees_it_shipped_and_an_admin_finds_it), async page =>
    {
        // Registers, verifies through the mailed link, signs in.
        var email = $"web-{Guid.NewGuid():N}@example.test";
        await page.GotoAsync("/register");
        await page.GetByLabel("Your name").FillAsync("First Buyer");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(WebMesh.UserPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByTestId("registered")).ToContainTextAsync(email);
        await page.GotoAsync(await mesh.MailedLinkAsync(email, "Confirm your e-mail address", "/verify-email?token="));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my address" }).ClickAsync();
        await Expect(page.GetByText("Your e-mail address is confirmed")).ToBeVisibleAsync();
        await WebMesh.SignInAsync(page, email);

        // Buys: the cart, then the checkout, where the address and the card are added and come back chosen.
        var price = await CartTests.AddShoesAsync(page, 1);
        await page.GetByTestId("go-to-checkout").ClickAsync();
        await AddAddressAndCardAtCheckoutAsync(page, GoodCard);
        await Expect(page.GetByTestId("review-line")).ToContainTextAsync(CartTests.Shoes);
        await Expect(page.GetByTestId("checkout-total")).ToHaveTextAsync(CartTests.Total(price, 1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(page.GetByTestId("checkout-status")).ToHaveTextAsync("CONFIRMED", Saga);

        await page.GetByTestId("checkout-order").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("CONFIRMED");
        await Expect(page.GetByTestId("payment-status")).ToHaveTextAsync("PAID");
        await Expect(page.GetByTestId("order-line")).ToContainTextAsync(CartTests.Shoes);
        await Expect(page.GetByTestId("order-total")).ToHaveTextAsync(CartTests.Total(price, 1));
        var orderId = OrderIdIn(page.Url);
        var shortId = orderId.ToString("N")[..8].ToUpperInvariant();

        // The shop owner ships it from the console.
        await page.Context.ClearCookiesAsync();
        await WebMesh.SignInAsync(page, DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);
        await page.GotoAsync("/console/orders?status=CONFIRMED");
        var row = page.Locator($"[data-testid=shop-order][data-order-id='{orderId}']");
        await Expect(row).ToContainTextAsync(CartTests.Shoes);
        await page.GetByLabel($"Carrier of order {shortId}").FillAsync("DHL");
        await page.GetByLabel($"Tracking number of order {shortId}").FillAsync("JD014600006101");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Ship order {shortId}" }).ClickAsync();
        await page.GotoAsync("/console/orders");
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("SHIPPED");

        // The shopper sees it shipped, with the tracking number and the timeline.
        await page.Context.ClearCookiesAsync();
        await WebMesh.SignInAsync(page, email);
        await page.GotoAsync("/orders");
        var mine = page.Locator($"[data-testid=order-row][data-order-id='{orderId}']");
        await Expect(mine.GetByTestId("order-status")).ToHaveTextAsync("SHIPPED");
        await mine.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("SHIPPED");
        await Expect(page.GetByTestId("tracking")).ToHaveTextAsync("DHL JD014600006101");
        await Expect(page.GetByTestId("timeline-entry").Last).ToContainTextAsync("shipped");

        // An admin finds it among the shipped orders.
        await page.Context.ClearCookiesAsync();
        await WebMesh.SignInAsync(page, DemoAccounts.Admin.Email, DemoAccounts.Admin.Password);
        await page.GotoAsync("/admin/orders");
        await page.GetByLabel("Status").SelectOptionAsync("SHIPPED");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.Locator($"[data-testid=admin-order][data-order-id='{orderId}']")).ToContainTextAsync("SHIPPED");
        await Expect(page.GetByTestId("admin-order").GetByTestId("order-status")).Not.ToContainTextAsync(["CONFIRMED"]);

        // Anyone else: the order does not exist, and their shop console has no such order.
        await page.Context.ClearCookiesAsync();
        await mesh.SignInNewUserAsync(page, "Curious Shopper");
        await page.GotoAsync($"/orders/{orderId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Order not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("JD014600006101")).ToHaveCountAsync(0);
        await page.GotoAsync("/console/orders");
        await Expect(page.GetByTestId("no-orders")).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_declined_card_shows_the_reason_keeps_the_cart_and_a_double_click_placed_one_order() =>
        mesh.InBrowserAsync(nameof(A_declined_card_shows_the_reason_keeps_the_cart_and_a_double_click_placed_one_order), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Declined Shopper");
        await CartTests.AddShoesAsync(page, 2);
        await page.GetByTestId("go-to-checkout").ClickAsync();
        await AddAddressAndCardAtCheckoutAsync(page, DeclinedCard);

        // Both clicks post the same Idempotency-Key (made once for this visit of the page).
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).DblClickAsync();
        await Expect(page.GetByTestId("checkout-status")).ToHaveTextAsync("CANCELLED", Saga);
        await Expect(page.GetByTestId("cancel-reason")).ToContainTextAsync("payment failed");

        await page.GotoAsync("/cart");
        await Expect(page.GetByTestId("cart-line")).ToContainTextAsync(CartTests.Shoes);
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");

        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("order-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("order-row").GetByTestId("order-status")).ToHaveTextAsync("CANCELLED");
        await page.GetByLabel("Status").SelectOptionAsync("CONFIRMED");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByTestId("no-orders")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Out_of_stock_at_checkout_names_the_line_and_keeps_the_cart() =>
        mesh.InBrowserAsync(nameof(Out_of_stock_at_checkout_names_the_line_and_keeps_the_cart), async page =>
    {
        var owner = await OwnerTokenAsync();
        var (productId, variantId, name) = await NewProductAsync(owner, stock: 1);
        await mesh.SignInNewUserAsync(page, "Late Shopper");
        await page.GotoAsync($"/products/{productId}");
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await page.GetByLabel("Quantity", new() { Exact = true }).FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("cart-line")).ToContainTextAsync(name);

        // The last unit goes elsewhere before the shopper checks out.
        await SendAsync(HttpMethod.Post, $"/api/inventory/{variantId}/adjust", new { delta = -1, reason = "Sold in the shop" }, owner);
        await page.GetByTestId("go-to-checkout").ClickAsync();
        await AddAddressAndCardAtCheckoutAsync(page, GoodCard);
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();

        await Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("refused-lines")).ToContainTextAsync($"{name} Standard: out of stock");
        await page.GotoAsync("/cart");
        await Expect(page.GetByTestId("cart-line")).ToContainTextAsync(name);
        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("no-orders")).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_shopper_sends_an_order_elsewhere_cancels_a_line_then_the_order_is_refunded_and_buys_it_again_into_the_cart() =>
        mesh.InBrowserAsync(nameof(A_shopper_sends_an_order_elsewhere_cancels_a_line_then_the_order_is_refunded_and_buys_it_again_into_the_cart), async page =>
    {
        var owner = await OwnerTokenAsync();
        var (productId, _, lantern) = await NewProductAsync(owner, stock: 5);
        await mesh.SignInNewUserAsync(page, "Changing Shopper");
        await CartTests.AddShoesAsync(page, 1);
        await page.GotoAsync($"/products/{productId}");
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(2);
        var orderId = await PlaceOrderAsync(page);
        await Expect(page.GetByTestId("order-line")).ToHaveCountAsync(2);

        // Another address, added from the order page (which it comes back to), then chosen for the order.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add an address" }).ClickAsync();
        await FillAddressAsync(page, "Marktplatz 5", "80331", "München");
        await Expect(page).ToHaveURLAsync(new Regex($"/orders/{orderId}$"));
        await page.GetByLabel("Send to").SelectOptionAsync(new SelectOptionValue { Label = "Alex Shopper, Marktplatz 5, 80331 München, DE" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Change shipping address" }).ClickAsync();
        await Expect(page.GetByTestId("ship-to")).ToContainTextAsync("Marktplatz 5");

        // One line cancelled: the order goes on with the other.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Cancel {CartTests.Shoes}") }).ClickAsync();
        var shoes = page.GetByTestId("order-line").Filter(new() { HasText = CartTests.Shoes });
        await Expect(shoes).ToHaveAttributeAsync("data-line-status", "CANCELLED");
        await Expect(shoes.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("order-total")).ToHaveTextAsync("10.00 EUR");
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("CONFIRMED");

        // The whole order, after the confirmation step; payment-service refunds what was paid.
        await page.Locator("summary", new() { HasText = "Cancel order" }).ClickAsync();
        await page.GetByLabel("Reason (optional)").FillAsync("Found it cheaper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel this order" }).ClickAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("CANCELLED");
        await Expect(page.GetByTestId("cancel-reason")).ToHaveTextAsync("Found it cheaper");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Cancel") })).ToHaveCountAsync(0);
        await ReloadUntilAsync(page, page.GetByTestId("payment-status"), "REFUNDED");

        // Bought again with a double click into the (emptied) cart: once, and without the lantern, no longer sold.
        await SendAsync(HttpMethod.Delete, $"/api/products/{productId}", null, await OwnerTokenAsync()); // a new token: they last a minute here
        await page.GetByRole(AriaRole.Button, new() { Name = "Buy again" }).DblClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/cart\\?reorder="));
        await Expect(page.GetByTestId("reorder-notice")).ToContainTextAsync("1 item(s) of your order were added");
        await Expect(page.GetByTestId("not-added")).ToHaveTextAsync($"{lantern}: no longer for sale");
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("cart-line")).ToContainTextAsync(CartTests.Shoes);
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("1");
    });

    [Fact]
    public Task The_shop_owner_cancels_with_a_reason_and_downloads_the_orders_CSV_and_an_admin_downloads_every_order() =>
        mesh.InBrowserAsync(nameof(The_shop_owner_cancels_with_a_reason_and_downloads_the_orders_CSV_and_an_admin_downloads_every_order), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Csv Shopper");
        await CartTests.AddShoesAsync(page, 1);
        var orderId = await PlaceOrderAsync(page);
        var shortId = orderId.ToString("N")[..8].ToUpperInvariant();

        // A customer gets neither CSV: not an admin, and the shop is someone else's.
        Assert.Equal(404, (await page.Context.APIRequest.GetAsync("/admin/orders.csv")).Status);
        Assert.Equal(404, (await page.Context.APIRequest.GetAsync($"/console/orders.csv?shopId={ShopConsoleTests.SummitOutfitters}")).Status);

        // The owner cancels it, saying why, and finds it in the CSV of the cancelled orders.
        await page.Context.ClearCookiesAsync();
        await WebMesh.SignInAsync(page, DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);
        await page.GotoAsync("/console/orders?status=CONFIRMED");
        await page.GetByLabel($"Reason to cancel order {shortId}").FillAsync("Sold out at the warehouse");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Cancel order {shortId}" }).ClickAsync();
        await Expect(page.Locator($"[data-testid=shop-order][data-order-id='{orderId}']")).ToHaveCountAsync(0);
        await page.GotoAsync("/console/orders?status=CANCELLED");
        await Expect(page.Locator($"[data-testid=shop-order][data-order-id='{orderId}']").GetByTestId("order-status")).ToHaveTextAsync("CANCELLED");
        var (ownerFile, ownerCsv) = await DownloadCsvAsync(page);
        Assert.Equal("shop-orders.csv", ownerFile);
        var row = Assert.Single(ownerCsv.Split("\r\n"), line => line.StartsWith(orderId.ToString(), StringComparison.Ordinal));
        Assert.Contains(",CANCELLED,", row, StringComparison.Ordinal);
        Assert.EndsWith(",Sold out at the warehouse", row, StringComparison.Ordinal);
        Assert.DoesNotContain(",CONFIRMED,", ownerCsv, StringComparison.Ordinal);

        // An admin's CSV holds every order with the list's filters.
        await page.Context.ClearCookiesAsync();
        await WebMesh.SignInAsync(page, DemoAccounts.Admin.Email, DemoAccounts.Admin.Password);
        await page.GotoAsync($"/admin/orders?status=CANCELLED&shopId={ShopConsoleTests.SummitOutfitters}");
        await Expect(page.Locator($"[data-testid=admin-order][data-order-id='{orderId}']")).ToBeVisibleAsync();
        var (adminFile, adminCsv) = await DownloadCsvAsync(page);
        Assert.Equal("orders.csv", adminFile);
        Assert.StartsWith("order_id,checkout_id,", adminCsv, StringComparison.Ordinal);
        Assert.Contains(orderId.ToString(), adminCsv, StringComparison.Ordinal);
        Assert.DoesNotContain(",CONFIRMED,", adminCsv, StringComparison.Ordinal);
    });

    /// <summary>Clicks the page's "Download CSV": the file's name and its text.</summary>
    private static async Task<(string Name, string Text)> DownloadCsvAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        return (download.SuggestedFilename, await File.ReadAllTextAsync(await download.PathAsync()));
    }

    /// <summary>The cart in use checked out with a new address and a good card, confirmed; ends on the order's page.</summary>
    private static async Task<Guid> PlaceOrderAsync(IPage page)
    {
        await page.GetByTestId("go-to-checkout").ClickAsync();
        await AddAddressAndCardAtCheckoutAsync(page, GoodCard);
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(page.GetByTestId("checkout-status")).ToHaveTextAsync("CONFIRMED", Saga);
        await page.GetByTestId("checkout-order").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("CONFIRMED");
        return OrderIdIn(page.Url);
    }

    /// <summary>What another service does after an event shows on the next rendering of a plain page: reloaded until it says <paramref name="text"/>.</summary>
    private static Task ReloadUntilAsync(IPage page, ILocator locator, string text) =>
        Eventually.GetAsync(async () =>
        {
            await page.ReloadAsync();
            return await locator.TextContentAsync();
        }, shown => shown == text, $"the page to show {text}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));

    private async Task<string> OwnerTokenAsync()
    {
        using var login = await mesh.Gateway.PostAsJsonAsync("/api/auth/login", new { email = DemoAccounts.ShopOwner.Email, password = DemoAccounts.ShopOwner.Password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A product of Summit Outfitters (the demo owner's shop) with one variant "Standard" of <paramref name="stock"/> units.</summary>
    private async Task<(Guid Product, Guid Variant, string Name)> NewProductAsync(string ownerToken, int stock)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var name = $"Last Lantern {tag}";
        var created = await SendAsync(HttpMethod.Post, "/api/products", new
        {
            shopId = ShopConsoleTests.SummitOutfitters,
            categoryId = "00000000-0000-4000-9000-000000000005", // the demo catalog's Kitchen
            name,
            description = "Only one made.",
            price = 10m,
            currency = "EUR",
            variants = new[] { new { sku = $"LAST-{tag}".ToUpperInvariant(), name = "Standard", price = 10m, stock } },
        }, ownerToken);
        return (created.GetProperty("id").GetGuid(), created.GetProperty("variants")[0].GetProperty("id").GetGuid(), name);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, string token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await mesh.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>On a checkout page without address or card: adds both through its links, which lead back to it with them chosen.</summary>
    private static async Task AddAddressAndCardAtCheckoutAsync(IPage page, string card)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("no-addresses")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add an address" }).ClickAsync();
        await FillAddressAsync(page, "Hauptstraße 1", "10115", "Berlin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout", Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Add a card" }).ClickAsync();
        await page.GetByLabel("Card number").FillAsync(card);
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Expiry year").FillAsync((DateTime.UtcNow.Year + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save card" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout", Level = 1 })).ToBeVisibleAsync();

        // The defaults come back chosen.
        await Expect(page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("Hauptstraße 1") })).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex($"ending in {card[^4..]}") })).ToBeCheckedAsync();
    }

    /// <summary>On the new-address page: Alex Shopper's address in Germany at <paramref name="street"/>, saved.</summary>
    private static async Task FillAddressAsync(IPage page, string street, string postalCode, string city)
    {
        await page.GetByLabel("Recipient").FillAsync("Alex Shopper");
        await page.GetByLabel("Street and number").FillAsync(street);
        await page.GetByLabel("Postal code").FillAsync(postalCode);
        await page.GetByLabel("City").FillAsync(city);
        await page.GetByLabel("Country").FillAsync("DE");
        await page.GetByLabel("Phone", new() { Exact = true }).FillAsync("+49 30 1234567");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save address" }).ClickAsync();
    }

    private static Guid OrderIdIn(string url) => Guid.Parse(OrderUrl().Match(url).Groups["id"].Value);

    [GeneratedRegex("/orders/(?<id>[0-9a-f-]{36})")]
    private static partial Regex OrderUrl();
}
