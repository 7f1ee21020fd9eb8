using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EStore.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>The admin console in chromium, as the demo administrator and as someone else.</summary>
[Collection(WebMeshCollection.Name)]
public sealed class AdminTests(WebMesh mesh)
{
    [Fact]
    public Task An_admin_suspends_a_shop_and_reactivates_it() => mesh.InBrowserAsync(nameof(An_admin_suspends_a_shop_and_reactivates_it), async page =>
    {
        var name = $"Corner Shop {Guid.NewGuid():N}"[..24];
        var shopId = await OpenShopAsync(name);

        await WebMesh.SignInAsync(page, DemoAccounts.Admin.Email, DemoAccounts.Admin.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await page.GetByLabel("Open shops named").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByTestId("admin-shop").GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByTestId("chosen-status")).ToHaveTextAsync("ACTIVE");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Suspend {name}" }).ClickAsync();
        await Expect(page.GetByTestId("chosen-status")).ToHaveTextAsync("SUSPENDED");
        using (var closed = await mesh.Gateway.GetAsync($"/api/shops/{shopId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, closed.StatusCode);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = $"Reactivate {name}" }).ClickAsync();
        await Expect(page.GetByTestId("chosen-status")).ToHaveTextAsync("ACTIVE");
    });

    [Fact]
    public Task Someone_who_is_not_an_admin_gets_not_found() => mesh.InBrowserAsync(nameof(Someone_who_is_not_an_admin_gets_not_found), async page =>
    {
        await mesh.SignInNewUserAsync(page, "Not An Admin");
        await page.GotoAsync("/admin/shops");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Any shop by id")).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/orders");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("admin-order")).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/users");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("admin-user")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task An_admin_finds_a_user_disables_and_enables_them_and_makes_them_a_shop_owner() => mesh.InBrowserAsync(nameof(An_admin_finds_a_user_disables_and_enables_them_and_makes_them_a_shop_owner), async page =>
    {
        var email = $"web-{Guid.NewGuid():N}@example.test";
        using (var registered = await mesh.Gateway.PostAsJsonAsync("/api/auth/register", new { email, password = WebMesh.UserPassword, name = "Managed User" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        await WebMesh.SignInAsync(page, DemoAccounts.Admin.Email, DemoAccounts.Admin.Password);
        await page.GotoAsync("/admin/users");
        await page.GetByLabel("E-mail or name").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = page.Locator($"[data-testid=admin-user][data-email='{email}']");
        await Expect(row.GetByTestId("user-status")).ToHaveTextAsync("Active");

        await page.GetByLabel($"Reason to disable {email}").FillAsync("Chargeback fraud");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Disable {email}" }).ClickAsync();
        await Expect(row.GetByTestId("user-status")).ToHaveTextAsync("Disabled");
        using (var refused = await mesh.Gateway.PostAsJsonAsync("/api/auth/login", new { email, password = WebMesh.UserPassword }))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = $"Enable {email}" }).ClickAsync();
        await Expect(row.GetByTestId("user-status")).ToHaveTextAsync("Active");
        await page.GetByLabel($"shop_owner role of {email}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Save roles of {email}" }).ClickAsync();
        await Expect(page.GetByLabel($"shop_owner role of {email}")).ToBeCheckedAsync();
        await Expect(page.GetByLabel($"customer role of {email}")).ToBeCheckedAsync();
        await Expect(page.GetByTestId("problem")).ToHaveCountAsync(0);
    });

    // The demo shopper (verified) opens a shop of their own through the API.
    private async Task<Guid> OpenShopAsync(string name)
    {
        using var login = await mesh.Gateway.PostAsJsonAsync("/api/auth/login", new { email = DemoAccounts.Shopper.Email, password = DemoAccounts.Shopper.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<LoginAnswer>())!.AccessToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/shops") { Content = JsonContent.Create(new { name, contactEmail = "corner@example.test", category = "Outdoor" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await mesh.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<CreatedShop>())!.Id;
    }

    private sealed record LoginAnswer(string AccessToken);

    private sealed record CreatedShop(Guid Id);
}
