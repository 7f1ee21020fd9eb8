using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary>User management: <c>/api/users</c>, roles, disable/enable, the configured first admin.</summary>
[Collection(IdentityCollection.Name)]
public sealed class AdminTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    private async Task<string> AdminTokenAsync() => (await _client.AdminLoginAsync()).AccessToken;

    [Fact]
    public async Task The_configured_admin_exists_with_the_admin_role_and_a_verified_address()
    {
        var tokens = await _client.AdminLoginAsync();
        var claims = TokenForge.Payload(tokens.AccessToken);
        Assert.Equal(UserRoles.Admin, claims["role"]!.GetValue<string>());
        Assert.True(claims["email_verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Customers_get_403_and_anonymous_callers_401_on_every_admin_endpoint()
    {
        var (user, customer) = await _client.NewUserAsync("nosy");
        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, "/api/users", null),
            (HttpMethod.Get, $"/api/users/{user.Id}", null),
            (HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "admin" } }),
            (HttpMethod.Post, $"/api/users/{user.Id}/disable", new { reason = "x" }),
            (HttpMethod.Post, $"/api/users/{user.Id}/enable", null),
            (HttpMethod.Post, "/api/auth/keys/rotate", null),
        };
        foreach (var (method, path, body) in requests)
        {
            using var forbidden = await _client.SendAsync(method, path, body, customer.AccessToken);
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
            using var anonymous = await _client.SendAsync(method, path, body);
            await anonymous.AssertUnauthorizedAsync(tokenPresented: false);
        }
        // Path variants do not reach an admin handler either (BFLA-05).
        foreach (var path in new[] { "/api/USERS", "/api/users/", "/api/Users?page=1" })
        {
            using var variant = await _client.SendAsync(HttpMethod.Get, path, null, customer.AccessToken);
            Assert.True(variant.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{path}: {(int)variant.StatusCode}");
        }
    }

    [Fact]
    public async Task Admins_list_search_and_page_users()
    {
        var admin = await AdminTokenAsync();
        var tag = Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < 3; i++)
        {
            await _client.RegisterAsync($"{tag}-{i}@example.test", name: $"Searchable {tag}");
        }
        using var search = await _client.SendAsync(HttpMethod.Get, $"/api/users?search={tag.ToUpperInvariant()}&size=2", null, admin);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var page1 = (await search.Content.ReadFromJsonAsync<PagedResult<AdminUserDto>>())!;
        Assert.Equal(3, page1.Total);
        Assert.Equal(2, page1.Items.Count);
        using var next = await _client.SendAsync(HttpMethod.Get, $"/api/users?search={tag}&size=2&page=2", null, admin);
        var page2 = (await next.Content.ReadFromJsonAsync<PagedResult<AdminUserDto>>())!;
        Assert.Single(page2.Items);
        Assert.Empty(page1.Items.Select(u => u.Id).Intersect(page2.Items.Select(u => u.Id)));
        Assert.All(page1.Items, u => Assert.Equal("Active", u.Status));

        using var wildcard = await _client.SendAsync(HttpMethod.Get, "/api/users?search=%25%27%20OR%201%3D1--", null, admin);
        Assert.Equal(0, (await wildcard.Content.ReadFromJsonAsync<PagedResult<AdminUserDto>>())!.Total);
    }

    [Theory]
    [InlineData("/api/users?page=0")]
    [InlineData("/api/users?page=abc")]
    [InlineData("/api/users?size=101")]
    [InlineData("/api/users?size=-1")]
    public async Task Bad_list_parameters_get_400(string path)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, path, null, await AdminTokenAsync());
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_malformed_user_id_matches_no_route_and_gets_the_404_problem()
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/api/users/not-a-guid", null, await AdminTokenAsync());
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_users_are_404()
    {
        var admin = await AdminTokenAsync();
        var id = Guid.NewGuid();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, $"/api/users/{id}", null),
            (HttpMethod.Put, $"/api/users/{id}/roles", new { roles = new[] { "customer" } }),
            (HttpMethod.Post, $"/api/users/{id}/disable", null),
            (HttpMethod.Post, $"/api/users/{id}/enable", null),
        })
        {
            using var response = await _client.SendAsync(method, path, body, admin);
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Role_changes_are_announced_and_a_demotion_takes_effect_at_once()
    {
        var admin = await AdminTokenAsync();
        var (user, before) = await _client.NewUserAsync("promoted");
        using var promote = await _client.SendAsync(HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "shop_owner", "customer", "customer" } }, admin);
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal([UserRoles.Customer, UserRoles.ShopOwner], (await promote.Content.ReadFromJsonAsync<AdminUserDto>())!.Roles);
        Assert.Equal([UserRoles.Customer, UserRoles.ShopOwner], Assert.Single(await _client.EventsAsync<UserRoleChanged>(user.Id)).Roles);

        // A grant does not revoke: the old token keeps working, a refreshed one carries the new role.
        using var refreshed = await _client.PostAsync("/api/auth/refresh", new { refreshToken = before.RefreshToken });
        var owner = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(2, TokenForge.Payload(owner.AccessToken)["role"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(owner.AccessToken, "/api/probe/shop"));

        using var demote = await _client.SendAsync(HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "customer" } }, admin);
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        await Eventually.GetAsync(() => ProbeAsync(owner.AccessToken, "/api/probe/shop"), s => s == HttpStatusCode.Unauthorized, "the shop_owner token to be revoked");
        Assert.Equal(2, (await _client.EventsAsync<UserRoleChanged>(user.Id)).Count);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"roles\":[]}")]
    [InlineData("{\"roles\":[\"superuser\"]}")]
    [InlineData("{\"roles\":[\"Admin\"]}")]
    [InlineData("{\"roles\":[null]}")]
    public async Task Invalid_role_sets_get_422(string body)
    {
        var (user, _) = await _client.NewUserAsync("roles");
        using var response = await _client.SendAsync(HttpMethod.Put, $"/api/users/{user.Id}/roles", body, await AdminTokenAsync());
        await response.AssertInvalidAsync("roles");
    }

    [Fact]
    public async Task Admins_cannot_demote_or_disable_themselves()
    {
        var admin = await AdminTokenAsync();
        var adminId = TokenForge.Payload(admin)["sub"]!.GetValue<string>();
        using var demote = await _client.SendAsync(HttpMethod.Put, $"/api/users/{adminId}/roles", new { roles = new[] { "customer" } }, admin);
        await demote.AssertProblemAsync(HttpStatusCode.Conflict);
        using var disable = await _client.SendAsync(HttpMethod.Post, $"/api/users/{adminId}/disable", null, admin);
        await disable.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Disabling_ends_sessions_and_logins_until_enabled_again()
    {
        var admin = await AdminTokenAsync();
        var (user, tokens) = await _client.NewUserAsync("disabled");
        using var disable = await _client.SendAsync(HttpMethod.Post, $"/api/users/{user.Id}/disable", new { reason = "chargeback fraud" }, admin);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        var dto = (await disable.Content.ReadFromJsonAsync<AdminUserDto>())!;
        Assert.Equal("Disabled", dto.Status);
        Assert.Equal("chargeback fraud", Assert.Single(await _client.EventsAsync<UserDisabled>(user.Id)).Reason);

        await Eventually.GetAsync(() => ProbeAsync(tokens.AccessToken, "/api/probe/me"), s => s == HttpStatusCode.Unauthorized, "the disabled user's token to be refused");
        using var refresh = await _client.PostAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await refresh.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var login = await _client.PostAsync("/api/auth/login", new { email = user.Email, password = IdentityClient.Password });
        await login.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var enable = await _client.SendAsync(HttpMethod.Post, $"/api/users/{user.Id}/enable", null, admin);
        Assert.Equal("Active", (await enable.Content.ReadFromJsonAsync<AdminUserDto>())!.Status);
        await _client.LoginAsync(user.Email);
        // Services holding the user's data since UserDisabled hear that it is theirs again.
        Assert.Single(await _client.EventsAsync<UserEnabled>(user.Id));
    }

    private async Task<HttpStatusCode> ProbeAsync(string accessToken, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await stack.Resource.Http.SendAsync(request);
        return response.StatusCode;
    }
}
