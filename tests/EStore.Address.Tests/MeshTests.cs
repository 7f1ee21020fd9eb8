using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Address.Tests.Infrastructure;
using EStore.Mesh;
using Npgsql;

namespace EStore.Address.Tests;

/// <summary>
/// Discovery, the gateway, identity-service and address-service as real processes on PostgreSQL, driven through the
/// gateway with tokens identity-service signed: what a shopper and an administrator meet.
/// </summary>
public sealed class AddressMesh() : MeshFixture("addrmesh", "identity-service", "address-service")
{
    public const string AdminEmail = "root@address-mesh.test";
    public const string AdminPassword = "admin password for address mesh tests";
    private const string Password = "correct horse battery staple";

    public string AddressDatabase => DatabaseOf("address-service");

    protected override Task ConfigureAsync(MeshHostOptions options)
    {
        options.Environment["Messaging__Relay__PollIntervalMs"] = "100";
        options.Environment["Jwt__JwksMinRefreshSeconds"] = "1";
        var identity = new Dictionary<string, string?> { ["Identity__Admin__Email"] = AdminEmail, ["Identity__Admin__Password"] = AdminPassword };
        MeshSettings.RaiseIdentityRateLimits(identity);
        options.AppEnvironment["identity-service"] = identity;
        options.AppEnvironment["gateway"] = new Dictionary<string, string?> { ["Gateway__RateLimits__Strict__PermitLimit"] = "1000" };
        return Task.CompletedTask;
    }

    /// <summary>Registers a customer and logs them in: their id and access token.</summary>
    public async Task<(Guid Id, string Email, string Token)> CustomerAsync()
    {
        var email = $"shopper-{Guid.NewGuid():N}@example.test";
        var id = (await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/auth/register", new { email, password = Password, name = "Address Tester" }, null))
            .GetProperty("id").GetGuid();
        return (id, email, await LoginAsync(email, Password));
    }

    public async Task<string> LoginAsync(string email, string password) =>
        (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login", new { email, password }, null)).GetProperty("accessToken").GetString()!;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return await Gateway.SendAsync(request);
    }

    /// <summary>Sends, asserts the status and returns the JSON body (default when empty).</summary>
    public async Task<JsonElement> ExpectAsync(HttpStatusCode status, HttpMethod method, string path, object? body, string? token)
    {
        using var response = await SendAsync(method, path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>address-service behind the gateway, with identity-service's real tokens and events.</summary>
public sealed class MeshTests(AddressMesh mesh) : IClassFixture<AddressMesh>
{
    private const string Prefix = AddressStack.Prefix;

    [Fact]
    public async Task Through_the_gateway_a_customer_keeps_addresses_another_customer_cannot_see_and_an_admin_can_read()
    {
        var owner = await mesh.CustomerAsync();
        var stranger = await mesh.CustomerAsync();
        var admin = await mesh.LoginAsync(AddressMesh.AdminEmail, AddressMesh.AdminPassword);

        var added = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, Prefix, AddressBodies.Valid(), owner.Token);
        var id = added.GetProperty("id").GetGuid();

        Assert.Equal(owner.Id, added.GetProperty("userId").GetGuid());
        Assert.Equal("SW1Y 4JH", (await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{Prefix}/{id}", null, owner.Token)).GetProperty("postalCode").GetString());
        await mesh.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"{Prefix}/{id}", null, stranger.Token);
        await mesh.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Delete, $"{Prefix}/{id}", null, stranger.Token);
        Assert.Equal(0, (await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, Prefix, null, stranger.Token)).GetArrayLength());
        Assert.Equal(owner.Id, (await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{Prefix}/{id}", null, admin)).GetProperty("userId").GetGuid());
        await mesh.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, $"{Prefix}/{id}", null, admin);
        await mesh.ExpectAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, Prefix, null, null);
    }

    [Fact]
    public async Task A_user_disabled_in_identity_has_their_addresses_held_and_served_again_after_being_enabled_and_logging_in()
    {
        var user = await mesh.CustomerAsync();
        var admin = await mesh.LoginAsync(AddressMesh.AdminEmail, AddressMesh.AdminPassword);
        var id = (await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, Prefix, AddressBodies.Valid(), user.Token)).GetProperty("id").GetGuid();

        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/users/{user.Id}/disable", new { reason = "chargeback" }, admin);

        await Eventually.TrueAsync(() => IsHeldAsync(user.Id), "address-service to hold the book after UserDisabled", TimeSpan.FromSeconds(45));
        // Kept for support.
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{Prefix}/{id}", null, admin);

        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/users/{user.Id}/enable", null, admin);
        // iat has whole seconds: a token of the disabling's own second still counts as from before it.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var fresh = await mesh.LoginAsync(user.Email, "correct horse battery staple");

        var list = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, Prefix, null, fresh);
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.False(await IsHeldAsync(user.Id));
    }

    private async Task<bool> IsHeldAsync(Guid user)
    {
        await using var connection = new NpgsqlConnection(mesh.AddressDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT disabled_at IS NOT NULL FROM address_books WHERE user_id = @user", connection);
        command.Parameters.AddWithValue("user", user);
        return await command.ExecuteScalarAsync() is true;
    }
}
