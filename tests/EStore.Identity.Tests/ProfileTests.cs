using System.Net;
using System.Net.Http.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary><c>GET/PUT/DELETE /api/users/me</c>.</summary>
[Collection(IdentityCollection.Name)]
public sealed class ProfileTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    [Fact]
    public async Task The_owner_reads_and_updates_name_phone_and_preferences_but_not_email_or_roles()
    {
        var (user, tokens) = await _client.NewUserAsync("profile");
        using var read = await _client.SendAsync(HttpMethod.Get, "/api/users/me", null, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(user.Id, (await read.Content.ReadFromJsonAsync<UserDto>())!.Id);

        using var update = await _client.SendAsync(HttpMethod.Put, "/api/users/me", new
        {
            name = "Renamed",
            phone = "+49 30 1234-567",
            preferences = new Dictionary<string, string> { ["language"] = "de", ["newsletter"] = "weekly" },
            email = "hijack@example.test",
            roles = new[] { "admin" },
        }, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updated = (await update.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Equal("Renamed", updated.Name);
        Assert.Equal("+49 30 1234-567", updated.Phone);
        Assert.Equal("weekly", updated.Preferences["newsletter"]);
        Assert.Equal(user.Email, updated.Email);
        Assert.Equal([UserRoles.Customer], updated.Roles);

        using var cleared = await _client.SendAsync(HttpMethod.Put, "/api/users/me", new { name = "Renamed" }, tokens.AccessToken);
        var after = (await cleared.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Null(after.Phone);
        Assert.Empty(after.Preferences);
    }

    public static TheoryData<object, string> InvalidProfiles => new()
    {
        { new { phone = "+1 555" }, "name" },
        { new { name = "A", phone = "call me maybe" }, "phone" },
        { new { name = "A", preferences = new Dictionary<string, string> { ["bad key!"] = "x" } }, "preferences" },
        { new { name = "A", preferences = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v") }, "preferences" },
        { new { name = "A", preferences = new Dictionary<string, string> { ["k"] = new string('v', 501) } }, "preferences" },
    };

    [Theory]
    [MemberData(nameof(InvalidProfiles))]
    public async Task Invalid_profiles_get_422(object body, string field)
    {
        var (_, tokens) = await _client.NewUserAsync("badprofile");
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/users/me", body, tokens.AccessToken);
        await response.AssertInvalidAsync(field);
    }

    [Fact]
    public async Task The_profile_needs_a_token()
    {
        using var anonymous = await _client.SendAsync(HttpMethod.Get, "/api/users/me", null);
        await anonymous.AssertUnauthorizedAsync(tokenPresented: false);
        using var put = await _client.SendAsync(HttpMethod.Put, "/api/users/me", new { name = "x" }, "not.a.token");
        await put.AssertUnauthorizedAsync();
    }

    [Fact]
    public async Task Deactivating_the_account_ends_its_sessions_and_logins()
    {
        var (user, tokens) = await _client.NewUserAsync("leaving");
        using var delete = await _client.SendAsync(HttpMethod.Delete, "/api/users/me", null, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        using var again = await _client.SendAsync(HttpMethod.Get, "/api/users/me", null, tokens.AccessToken);
        await again.AssertUnauthorizedAsync();
        using var login = await _client.PostAsync("/api/auth/login", new { email = user.Email, password = IdentityClient.Password });
        await login.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var refresh = await _client.PostAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await refresh.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Single(await _client.EventsAsync<UserDisabled>(user.Id));
        using var forgot = await _client.PostAsync("/api/auth/forgot-password", new { email = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        Assert.Empty(await _client.EventsAsync<PasswordResetRequested>(user.Id));
    }
}
