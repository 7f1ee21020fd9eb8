using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EStore.Identity.Tests;

/// <summary>Refresh rotation, reuse detection, logout and the revocation reaching another service over the broker.</summary>
[Collection(IdentityCollection.Name)]
public sealed class SessionTests(IdentityStack stack, ITestOutputHelper output)
{
    private static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(1);

    private readonly IdentityClient _client = stack.Client;

    private async Task<HttpStatusCode> ResourceStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/probe/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await stack.Resource.Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        await _client.PostAsync("/api/auth/refresh", new { refreshToken });

    /// <summary>Waits until the resource service refuses the token; returns how long that took.</summary>
    private async Task<TimeSpan> RefusedWithinAsync(string accessToken, Stopwatch since)
    {
        await Eventually.GetAsync(() => ResourceStatusAsync(accessToken), s => s == HttpStatusCode.Unauthorized,
            "the resource service to refuse the revoked token", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        return since.Elapsed;
    }

    [Fact]
    public async Task Refresh_rotates_both_tokens_and_keeps_the_session()
    {
        var (user, tokens) = await _client.NewUserAsync();
        using var response = await RefreshAsync(tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var next = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.NotEqual(tokens.RefreshToken, next.RefreshToken);
        Assert.NotEqual(tokens.AccessToken, next.AccessToken);
        var before = TokenForge.Payload(tokens.AccessToken);
        var after = TokenForge.Payload(next.AccessToken);
        Assert.Equal(before["sid"]!.GetValue<string>(), after["sid"]!.GetValue<string>());
        Assert.NotEqual(before["jti"]!.GetValue<string>(), after["jti"]!.GetValue<string>());
        Assert.Equal(user.Id.ToString(), after["sub"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await ResourceStatusAsync(next.AccessToken));
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family()
    {
        var (_, login) = await _client.NewUserAsync();
        using var first = await RefreshAsync(login.RefreshToken);
        var second = (await first.Content.ReadFromJsonAsync<TokenResponse>())!;

        var clock = Stopwatch.StartNew();
        using var reuse = await RefreshAsync(login.RefreshToken);
        var problem = await reuse.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The refresh token is invalid, expired or revoked.", problem.GetProperty("message").GetString());

        using var descendant = await RefreshAsync(second.RefreshToken);
        await descendant.AssertProblemAsync(HttpStatusCode.BadRequest);
        await RefusedWithinAsync(second.AccessToken, clock);
        Assert.Equal(HttpStatusCode.Unauthorized, await ResourceStatusAsync(login.AccessToken));
    }

    [Fact]
    public async Task Only_one_of_two_concurrent_refreshes_with_one_token_wins()
    {
        var (_, login) = await _client.NewUserAsync();
        var results = await Task.WhenAll(RefreshAsync(login.RefreshToken), RefreshAsync(login.RefreshToken));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.BadRequest);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"refreshToken\":\"\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"refreshToken\":\"bm90LWEtdG9rZW4\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"refreshToken\":\"eyJhbGciOiJSUzI1NiJ9.e30.sig\"}", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task Bad_refresh_requests_are_refused(string body, HttpStatusCode status)
    {
        using var response = await _client.PostAsync("/api/auth/refresh", body);
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task An_access_token_is_not_a_refresh_token()
    {
        var (_, login) = await _client.NewUserAsync();
        using var response = await RefreshAsync(login.AccessToken);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Logout_makes_the_access_token_useless_at_another_service_within_a_second()
    {
        var (user, login) = await _client.NewUserAsync();
        var other = await _client.LoginAsync(user.Email);
        Assert.Equal(HttpStatusCode.OK, await ResourceStatusAsync(login.AccessToken));

        var clock = Stopwatch.StartNew();
        using var logout = await _client.PostAsync("/api/auth/logout", null, login.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var took = await RefusedWithinAsync(login.AccessToken, clock);
        output.WriteLine($"revocation reached the resource service {took.TotalMilliseconds:F0} ms after logout was sent");
        Assert.True(took <= RevocationBound, $"took {took.TotalMilliseconds:F0} ms");

        // identity-service itself refuses at once; the session's refresh token is dead; other sessions live on.
        using var me = await _client.SendAsync(HttpMethod.Get, "/api/users/me", null, login.AccessToken);
        await me.AssertUnauthorizedAsync();
        using var refresh = await RefreshAsync(login.RefreshToken);
        await refresh.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, await ResourceStatusAsync(other.AccessToken));
        using var otherRefresh = await RefreshAsync(other.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, otherRefresh.StatusCode);

        var revoked = await _client.EventsAsync<TokenRevoked>(user.Id);
        var jti = TokenForge.Payload(login.AccessToken)["jti"]!.GetValue<string>();
        var evt = Assert.Single(revoked, r => r.TokenId == jti);
        Assert.Equal(TokenForge.Payload(login.AccessToken)["exp"]!.GetValue<long>(), evt.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Logout_all_ends_every_session()
    {
        var (user, first) = await _client.NewUserAsync();
        var second = await _client.LoginAsync(user.Email);
        using var rotated = await RefreshAsync(second.RefreshToken);
        var third = (await rotated.Content.ReadFromJsonAsync<TokenResponse>())!;

        var clock = Stopwatch.StartNew();
        using var logout = await _client.PostAsync("/api/auth/logout-all", null, first.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        foreach (var access in new[] { first.AccessToken, second.AccessToken, third.AccessToken })
        {
            await RefusedWithinAsync(access, clock);
        }
        Assert.True(clock.Elapsed <= RevocationBound + RevocationBound, $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
        foreach (var refresh in new[] { first.RefreshToken, third.RefreshToken })
        {
            using var response = await RefreshAsync(refresh);
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        Assert.Equal(3, (await _client.EventsAsync<TokenRevoked>(user.Id)).Count);
    }

    [Fact]
    public async Task Logout_needs_a_valid_token()
    {
        using var anonymous = await _client.PostAsync("/api/auth/logout", null);
        await anonymous.AssertUnauthorizedAsync(tokenPresented: false);
        using var garbage = await _client.PostAsync("/api/auth/logout-all", null, "garbage");
        await garbage.AssertUnauthorizedAsync();
    }
}
