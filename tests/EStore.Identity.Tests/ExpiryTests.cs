using System.Net;
using System.Net.Http.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Identity.Tests.Infrastructure;

namespace EStore.Identity.Tests;

/// <summary>Everything that runs out: single-use tokens, refresh tokens, sessions, lockouts, mail cooldowns.</summary>
public sealed class ExpiryTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Verification_and_reset_tokens_expire()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        var client = env.Client;
        var email = IdentityClient.NewEmail("expiring");
        var user = await client.RegisterAsync(email);
        using (await client.PostAsync("/api/auth/forgot-password", new { email }))
        {
        }
        var verification = await client.VerificationTokenAsync(user.Id);
        var reset = await client.ResetTokenAsync(user.Id);

        env.Identity.Clock.Advance(TimeSpan.FromMinutes(31));
        using var lateReset = await client.PostAsync("/api/auth/reset-password", new { token = reset, newPassword = "a brand new passphrase" });
        await lateReset.AssertProblemAsync(HttpStatusCode.BadRequest);

        env.Identity.Clock.Advance(TimeSpan.FromHours(24));
        using var lateVerification = await client.PostAsync("/api/auth/verify-email", new { token = verification });
        await lateVerification.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Refresh_tokens_expire_after_14_days_and_sessions_after_30_whatever_the_rotations()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        var client = env.Client;
        var (user, login) = await client.NewUserAsync("session");

        env.Identity.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        using (var stale = await client.PostAsync("/api/auth/refresh", new { refreshToken = login.RefreshToken }))
        {
            await stale.AssertProblemAsync(HttpStatusCode.BadRequest);
        }

        var current = (await client.LoginAsync(user.Email)).RefreshToken;
        for (var day = 13; day <= 26; day += 13)
        {
            env.Identity.Clock.Advance(TimeSpan.FromDays(13));
            using var rotated = await client.PostAsync("/api/auth/refresh", new { refreshToken = current });
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            current = (await rotated.Content.ReadFromJsonAsync<TokenResponse>())!.RefreshToken;
        }
        env.Identity.Clock.Advance(TimeSpan.FromDays(4) + TimeSpan.FromMinutes(1));
        using var beyond = await client.PostAsync("/api/auth/refresh", new { refreshToken = current });
        await beyond.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Lockouts_end_and_grow_with_each_further_failure()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        var client = env.Client;
        var email = IdentityClient.NewEmail("backoff");
        await client.RegisterAsync(email);
        async Task<HttpStatusCode> LoginAsync(string password)
        {
            using var response = await client.PostAsync("/api/auth/login", new { email, password });
            return response.StatusCode;
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync("wrong password!"));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(IdentityClient.Password));
        env.Identity.Clock.Advance(TimeSpan.FromSeconds(61));
        // Sixth failure: twice the first lockout.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync("wrong password!"));
        env.Identity.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(IdentityClient.Password));
        env.Identity.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(IdentityClient.Password));
        // A success resets the count.
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync("wrong password!"));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(IdentityClient.Password));
    }

    [Fact]
    public async Task Mails_to_one_account_are_limited_to_one_per_cooldown()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker, new Dictionary<string, string?> { ["Identity:Mail:CooldownSeconds"] = "60" });
        var client = env.Client;
        var email = IdentityClient.NewEmail("flood");
        var user = await client.RegisterAsync(email);
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("/api/auth/forgot-password", new { email });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        Assert.Single(await client.EventsAsync<PasswordResetRequested>(user.Id));
        env.Identity.Clock.Advance(TimeSpan.FromSeconds(61));
        using (await client.PostAsync("/api/auth/forgot-password", new { email }))
        {
        }
        Assert.Equal(2, (await client.EventsAsync<PasswordResetRequested>(user.Id)).Count);
    }

    [Fact]
    public void The_lockout_doubles_from_the_base_up_to_the_cap()
    {
        var settings = new IdentitySettings();
        Assert.Equal(TimeSpan.FromSeconds(60), LoginService.LockoutFor(settings, 5));
        Assert.Equal(TimeSpan.FromSeconds(120), LoginService.LockoutFor(settings, 6));
        Assert.Equal(TimeSpan.FromSeconds(480), LoginService.LockoutFor(settings, 8));
        Assert.Equal(TimeSpan.FromMinutes(15), LoginService.LockoutFor(settings, 9));
        Assert.Equal(TimeSpan.FromMinutes(15), LoginService.LockoutFor(settings, 100));
    }
}
