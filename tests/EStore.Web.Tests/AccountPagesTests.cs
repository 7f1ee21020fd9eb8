using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>The signed-in shopper's pages in chromium: profile, addresses, payment methods (the sandbox provider), notifications.</summary>
[Collection(WebMeshCollection.Name)]
public sealed class AccountPagesTests(WebMesh mesh) : IAsyncLifetime
{
    private const string Card = "4242424242424242";

    public Task InitializeAsync() => mesh.StartAppsAsync("address-service", "payment-service");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Shopper_changes_the_profile_and_finds_it_saved() => mesh.InBrowserAsync(nameof(Shopper_changes_the_profile_and_finds_it_saved), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Old Name");
        await page.GetByRole(AriaRole.Link, new() { Name = "Your account" }).ClickAsync();
        await Expect(page.GetByLabel("Your name")).ToHaveValueAsync("Old Name");

        await page.GetByLabel("Your name").FillAsync("New Name");
        await page.GetByLabel("Phone (optional)").FillAsync("+49 30 1234567");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(page.GetByText("Your profile is saved.")).ToBeVisibleAsync();

        await page.GotoAsync("/account/profile");
        await Expect(page.GetByLabel("Your name")).ToHaveValueAsync("New Name");
    });

    [Fact]
    public Task A_bad_address_shows_the_field_error_and_keeps_what_was_typed() => mesh.InBrowserAsync(nameof(A_bad_address_shows_the_field_error_and_keeps_what_was_typed), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        await page.GotoAsync("/account/addresses/new");
        await FillAddressAsync(page, "Home", "Berlin", "not a code");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save address" }).ClickAsync();

        // address-service's 422 names postalCode: its message under that field, the others empty, every value kept.
        await Expect(page.Locator("#postalCode-errors")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#city-errors")).ToBeEmptyAsync();
        await Expect(page.GetByLabel("Recipient")).ToHaveValueAsync("Alex Shopper");
        await Expect(page.GetByLabel("Postal code")).ToHaveValueAsync("not a code");
        await Expect(page.GetByLabel("City")).ToHaveValueAsync("Berlin");
    });

    [Fact]
    public Task Shopper_adds_edits_defaults_and_deletes_addresses() => mesh.InBrowserAsync(nameof(Shopper_adds_edits_defaults_and_deletes_addresses), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        await AddAddressAsync(page, "Home", "Berlin", "10115");
        await AddAddressAsync(page, "Office", "Munich", "80331");
        var addresses = page.GetByTestId("address");
        await Expect(addresses).ToHaveCountAsync(2);
        // The first address is the default for both.
        await Expect(addresses.Filter(new() { HasText = "Home" })).ToContainTextAsync("Default shipping");

        await page.GetByRole(AriaRole.Button, new() { Name = "Use Office for shipping" }).ClickAsync();
        await Expect(addresses.Filter(new() { HasText = "Office" })).ToContainTextAsync("Default shipping");
        await Expect(addresses.Filter(new() { HasText = "Home" })).Not.ToContainTextAsync("Default shipping");

        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Office" }).ClickAsync();
        await page.GetByLabel("City").FillAsync("Hamburg");
        await page.GetByLabel("Postal code").FillAsync("20095");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save address" }).ClickAsync();
        await Expect(addresses.Filter(new() { HasText = "Office" })).ToContainTextAsync("Hamburg");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Home" }).ClickAsync();
        await Expect(addresses).ToHaveCountAsync(1);
        await Expect(addresses).ToContainTextAsync("Default billing");
    });

    [Fact]
    public Task Another_users_address_is_not_found() => mesh.InBrowserAsync(nameof(Another_users_address_is_not_found), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Address Owner");
        await AddAddressAsync(page, "Secret place", "Berlin", "10115");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Secret place" }).ClickAsync();
        var ownersAddress = new Uri(page.Url).AbsolutePath;

        await page.Context.ClearCookiesAsync();
        await mesh.SignInNewUserAsync(page, "Someone Else");
        await page.GotoAsync(ownersAddress);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Address not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Berlin")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task A_card_is_saved_and_shown_with_its_last_four_digits_only() => mesh.InBrowserAsync(nameof(A_card_is_saved_and_shown_with_its_last_four_digits_only), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        await page.GotoAsync("/account/payment-methods");
        await FillCardAsync(page, Card, "123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save card" }).ClickAsync();

        var card = page.GetByTestId("card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync("•••• 4242");
        await Expect(card).ToContainTextAsync("Default");
        Assert.DoesNotContain(Card, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.GetByLabel("Card number")).ToHaveValueAsync("");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Delete .* ending in 4242$") }).ClickAsync();
        await Expect(page.GetByTestId("no-cards")).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_refused_card_shows_the_field_error_and_is_not_put_back_into_the_page() => mesh.InBrowserAsync(nameof(A_refused_card_shows_the_field_error_and_is_not_put_back_into_the_page), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        await page.GotoAsync("/account/payment-methods");
        const string BadChecksum = "4242424242424241";
        await FillCardAsync(page, BadChecksum, "987");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save card" }).ClickAsync();

        await Expect(page.Locator("#cardNumber-errors")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#cvc-errors")).ToBeEmptyAsync();
        // Number and CVC are neither kept nor shown again; the expiry stays.
        await Expect(page.GetByLabel("Card number")).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Security code (CVC)")).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Expiry month")).ToHaveValueAsync("12");
        var html = await page.ContentAsync();
        Assert.DoesNotContain(BadChecksum, html, StringComparison.Ordinal);
        Assert.DoesNotContain("987", html, StringComparison.Ordinal);
        await Expect(page.GetByTestId("card")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Shopper_turns_off_a_notification_and_finds_it_off() => mesh.InBrowserAsync(nameof(Shopper_turns_off_a_notification_and_finds_it_off), async page =>
    {
        await mesh.SignInNewUserAsync(page);
        await page.GotoAsync("/account/notifications");
        var lowStock = page.GetByLabel("Low stock in my shops");
        await Expect(lowStock).ToBeCheckedAsync();

        await lowStock.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save choices" }).ClickAsync();
        await Expect(page.GetByText("Your choices are saved.")).ToBeVisibleAsync();

        await page.GotoAsync("/account/notifications");
        await Expect(page.GetByLabel("Low stock in my shops")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Welcome and account news")).ToBeCheckedAsync();
    });

    [Fact]
    public Task Account_pages_ask_a_visitor_to_sign_in() => mesh.InBrowserAsync(nameof(Account_pages_ask_a_visitor_to_sign_in), async page =>
    {
        await page.GotoAsync("/account/payment-methods");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Card number")).ToHaveCountAsync(0);
    });

    private static async Task AddAddressAsync(IPage page, string label, string city, string postalCode)
    {
        await page.GotoAsync("/account/addresses/new");
        await FillAddressAsync(page, label, city, postalCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save address" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Addresses", Level = 1 })).ToBeVisibleAsync();
    }

    private static async Task FillAddressAsync(IPage page, string label, string city, string postalCode)
    {
        await page.GetByLabel("Label (optional, e.g. Home)").FillAsync(label);
        await page.GetByLabel("Recipient").FillAsync("Alex Shopper");
        await page.GetByLabel("Street and number").FillAsync("Hauptstraße 1");
        await page.GetByLabel("Postal code").FillAsync(postalCode);
        await page.GetByLabel("City").FillAsync(city);
        await page.GetByLabel("Country").FillAsync("DE");
        await page.GetByLabel("Phone", new() { Exact = true }).FillAsync("+49 30 1234567");
    }

    private static async Task FillCardAsync(IPage page, string number, string cvc)
    {
        await page.GetByLabel("Card number").FillAsync(number);
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Expiry year").FillAsync((DateTime.UtcNow.Year + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Security code (CVC)").FillAsync(cvc);
    }
}
