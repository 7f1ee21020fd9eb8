using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary><c>Demo:SeedData</c> (./estore up): one verified login per role, with the passwords the launcher prints.</summary>
public sealed class DemoUserTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Demo_logins_are_seeded_verified_with_their_roles_announced_once_and_can_log_in()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker, new Dictionary<string, string?> { ["Demo:SeedData"] = "true" });
        // A second instance on the same database runs the seed again and must add nothing.
        env.StartAnotherInstance();
        foreach (var account in DemoAccounts.All)
        {
            var tokens = await env.Client.LoginAsync(account.Email, account.Password);
            var claims = TokenForge.Payload(tokens.AccessToken);
            Assert.Equal(account.Id.ToString(), claims["sub"]!.GetValue<string>());
            Assert.True(claims["email_verified"]!.GetValue<bool>(), $"{account.Email} is verified");
            Assert.Equal(account.Roles.Order(StringComparer.Ordinal), Roles(claims).Order(StringComparer.Ordinal));

            // notification-service learns the address and name from identity.events, like any registration.
            var registered = Assert.Single(await env.Client.EventsAsync<UserRegistered>(account.Id));
            Assert.Equal((account.Email, account.Name), (registered.Email, registered.DisplayName));
        }

        // A wrong password is still refused: the demo logins are ordinary accounts.
        using var wrong = await env.Client.PostAsync("/api/auth/login", new { email = DemoAccounts.Shopper.Email, password = DemoAccounts.Admin.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Without_Demo_SeedData_no_demo_login_exists()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        foreach (var account in DemoAccounts.All)
        {
            using var login = await env.Client.PostAsync("/api/auth/login", new { email = account.Email, password = account.Password });
            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        }

        var admin = (await env.Client.AdminLoginAsync()).AccessToken;
        using var search = await env.Client.SendAsync(HttpMethod.Get, "/api/users?search=demo.estore.example", null, admin);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(0, (await search.Content.ReadFromJsonAsync<PagedResult<AdminUserDto>>())!.Total);
    }

    [Fact]
    public void Demo_passwords_pass_the_password_policy_and_demo_roles_are_known_roles()
    {
        var policy = new PasswordPolicy(new IdentitySettings());
        Assert.All(DemoAccounts.All, a => Assert.Null(policy.Check(a.Password, a.Email)));
        Assert.All(DemoAccounts.All.SelectMany(a => a.Roles), r => Assert.Contains(r, UserRoles.All));
        Assert.Equal(DemoAccounts.All.Count, DemoAccounts.All.Select(a => a.Id).Distinct().Count());
    }

    private static List<string> Roles(JsonObject claims) => claims["role"] switch
    {
        JsonArray many => [.. many.Select(r => r!.GetValue<string>())],
        { } one => [one.GetValue<string>()],
        null => [],
    };
}
