using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EStore.Web.Tests;

/// <summary>Registering, verifying with the mailed link, signing in and out, in chromium through the gateway.</summary>
[Collection(WebMeshCollection.Name)]
public sealed class AccountTests(WebMesh mesh)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public Task New_user_registers_verifies_with_the_mailed_link_and_signs_in() => mesh.InBrowserAsync(nameof(New_user_registers_verifies_with_the_mailed_link_and_signs_in), async page =>
    {
        var email = NewEmail();
        await page.GotoAsync("/");
        await Expect(page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        await page.GetByLabel("Your name").FillAsync("Web Newcomer");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByTestId("registered")).ToContainTextAsync(email);

        // The link notification-service mailed, opened on this store's address.
        await page.GotoAsync(await mesh.MailedLinkAsync(email, "Confirm your e-mail address", "/verify-email?token="));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my address" }).ClickAsync();
        await Expect(page.GetByText("Your e-mail address is confirmed")).ToBeVisibleAsync();

        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email);

        // The session is one sealed HttpOnly, SameSite=Lax cookie: no script can read a token, none is stored in the browser.
        // (A large ticket is split into estore.session, estore.sessionC1, ...: each one is checked.)
        var session = (await page.Context.CookiesAsync()).Where(c => c.Name.StartsWith("estore.session", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(session);
        Assert.All(session, c => Assert.True(c.HttpOnly, c.Name));
        Assert.All(session, c => Assert.Equal(SameSiteAttribute.Lax, c.SameSite));
        // No JWT in clear (header.payload, both base64url JSON): "eyJ" alone turns up in random ciphertext now and then.
        Assert.All(session, c => Assert.DoesNotMatch(@"eyJ[A-Za-z0-9_-]*(\.|%2E)eyJ", c.Value));
        Assert.DoesNotContain("estore.session", await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name.StartsWith("estore.session", StringComparison.Ordinal));
    });

    [Fact]
    public Task Wrong_password_shows_the_error_and_keeps_the_address() => mesh.InBrowserAsync(nameof(Wrong_password_shows_the_error_and_keeps_the_address), async page =>
    {
        var email = NewEmail();
        using (var registered = await mesh.Gateway.PostAsJsonAsync("/api/auth/register", new { email, password = Password, name = "Wrong Typist" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("not the password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByTestId("problem")).ToHaveTextAsync("The e-mail address or the password is wrong.");
        await Expect(page.GetByLabel("E-mail address")).ToHaveValueAsync(email);
        await Expect(page.GetByLabel("Password")).ToHaveValueAsync("");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name.StartsWith("estore.session", StringComparison.Ordinal));
    });

    [Fact]
    public Task A_refused_password_is_explained_next_to_the_password_field() => mesh.InBrowserAsync(nameof(A_refused_password_is_explained_next_to_the_password_field), async page =>
    {
        await page.GotoAsync("/register");
        await page.GetByLabel("Your name").FillAsync("Short Password");
        await page.GetByLabel("E-mail address").FillAsync(NewEmail());
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        // identity-service's 422 names the field; its message stands under that field, the others stay empty.
        await Expect(page.Locator("#password-errors")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#email-errors")).ToBeEmptyAsync();
        await Expect(page.GetByLabel("Your name")).ToHaveValueAsync("Short Password");
    });

    [Fact]
    public Task A_session_refreshes_its_tokens_once_when_requests_arrive_together() => mesh.InBrowserAsync(nameof(A_session_refreshes_its_tokens_once_when_requests_arrive_together), async page =>
    {
        var email = NewEmail();
        using (var registered = await mesh.Gateway.PostAsJsonAsync("/api/auth/register", new { email, password = Password, name = "Long Stay" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
        var first = await SessionCookieAsync(page);

        // Past the refresh point (60 s tokens, refreshed with 55 s left), two requests with the same cookie at once:
        // a second use of the refresh token would make identity-service revoke the session.
        await Task.Delay(TimeSpan.FromSeconds(60 - WebMesh.RefreshBeforeExpirySeconds + 1));
        await Task.WhenAll(page.ReloadAsync(), page.Context.APIRequest.GetAsync("/shops"));

        var refreshed = await SessionCookieAsync(page);
        Assert.NotEqual(first, refreshed);
        await page.GotoAsync("/shops");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
    });

    // The sealed ticket, all its chunks together.
    private static async Task<string> SessionCookieAsync(IPage page)
    {
        var chunks = (await page.Context.CookiesAsync()).Where(c => c.Name.StartsWith("estore.session", StringComparison.Ordinal)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(chunks);
        return string.Concat(chunks.Select(c => c.Value));
    }

    private static string NewEmail() => $"web-{Guid.NewGuid():N}@example.test";
}
