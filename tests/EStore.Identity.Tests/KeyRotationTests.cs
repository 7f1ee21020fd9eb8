using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EStore.Identity.Tests;

/// <summary>Signing-key rotation: old tokens keep validating until they expire, new tokens use the new key.</summary>
public sealed class KeyRotationTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Tokens_signed_before_a_rotation_validate_until_expiry_and_new_tokens_use_the_new_key()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        var client = env.Client;
        var (_, before) = await client.NewUserAsync("rotation");
        var oldKid = Kid(before.AccessToken);

        using var rotate = await client.PostAsync("/api/auth/keys/rotate", null, (await client.AdminLoginAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var newKid = (await rotate.Content.ReadFromJsonAsync<KeyRotationResponse>())!.KeyId;
        Assert.NotEqual(oldKid, newKid);

        var (_, after) = await client.NewUserAsync("rotation");
        Assert.Equal(newKid, Kid(after.AccessToken));
        var kids = await KidsAsync(env);
        Assert.Contains(oldKid, kids);
        Assert.Contains(newKid, kids);

        // The resource service meets the new kid for the first time and fetches the JWKS again.
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(env, after.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(env, before.AccessToken));

        // Just before the old key's last token expires, the key is still published...
        env.Identity.Clock.Advance(TimeSpan.FromMinutes(14));
        await MaintainAsync(env);
        Assert.Contains(oldKid, await KidsAsync(env));
        env.Resource.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(env, before.AccessToken));

        // ...and once every token it signed has expired, it is gone.
        env.Identity.Clock.Advance(TimeSpan.FromMinutes(3));
        await MaintainAsync(env);
        Assert.Equal([newKid], await KidsAsync(env));
        env.Resource.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeAsync(env, before.AccessToken));
    }

    [Fact]
    public async Task A_scheduled_rotation_publishes_the_new_key_before_it_signs()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker, new Dictionary<string, string?>
        {
            ["Identity:Keys:RotationDays"] = "1",
            ["Identity:Keys:ActivationDelayMinutes"] = "10",
        });
        var client = env.Client;
        var email = IdentityClient.NewEmail("scheduled");
        await client.RegisterAsync(email);
        var first = Kid((await client.LoginAsync(email)).AccessToken);

        env.Identity.Clock.Advance(TimeSpan.FromDays(1));
        await MaintainAsync(env);
        var published = await KidsAsync(env);
        Assert.Equal(2, published.Count);
        Assert.Equal(first, Kid((await client.LoginAsync(email)).AccessToken));

        env.Identity.Clock.Advance(TimeSpan.FromMinutes(10));
        var next = Kid((await client.LoginAsync(email)).AccessToken);
        Assert.NotEqual(first, next);
        Assert.Contains(next, published);
    }

    [Fact]
    public async Task Instances_share_keys_and_the_key_ring_through_the_database()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        var (user, fromFirst) = await env.Client.NewUserAsync("scaled");
        var second = env.StartAnotherInstance();
        var fromSecond = await new IdentityClient(second).LoginAsync(user.Email);

        // The second instance signs with the key the first one created: it could unprotect its private key.
        Assert.Equal(Kid(fromFirst.AccessToken), Kid(fromSecond.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(env, fromSecond.AccessToken));
        using var me = await new IdentityClient(second).SendAsync(HttpMethod.Get, "/api/users/me", null, fromFirst.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refresh = await new IdentityClient(second).PostAsync("/api/auth/refresh", new { refreshToken = fromFirst.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    private static string Kid(string token) => TokenForge.Header(token)["kid"]!.GetValue<string>();

    private static async Task<List<string>> KidsAsync(IsolatedIdentity env)
    {
        var jwks = JsonDocument.Parse(await env.Identity.Http.GetStringAsync("/.well-known/jwks.json")).RootElement;
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static Task MaintainAsync(IsolatedIdentity env) =>
        env.Identity.Services.GetServices<IHostedService>().OfType<IdentityMaintenance>().Single().RunOnceAsync(CancellationToken.None);

    private static async Task<HttpStatusCode> ProbeAsync(IsolatedIdentity env, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/probe/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await env.Resource.Http.SendAsync(request);
        return response.StatusCode;
    }
}
