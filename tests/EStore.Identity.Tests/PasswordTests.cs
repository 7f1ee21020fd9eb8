using System.Net;
using System.Net.Http.Headers;
using EStore.Contracts.Events;
using EStore.Identity.Tests.Infrastructure;

namespace EStore.Identity.Tests;

/// <summary><c>/api/auth/forgot-password</c>, <c>/api/auth/reset-password</c>, <c>/api/users/me/change-password</c>.</summary>
[Collection(IdentityCollection.Name)]
public sealed class PasswordTests(IdentityStack stack)
{
    private const string NewPassword = "a brand new passphrase";

    private readonly IdentityClient _client = stack.Client;

    private async Task<HttpStatusCode> ResourceStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/probe/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await stack.Resource.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Forgot_password_answers_202_alike_for_known_and_unknown_addresses()
    {
        var email = IdentityClient.NewEmail("forgot");
        var user = await _client.RegisterAsync(email);
        using var known = await _client.PostAsync("/api/auth/forgot-password", new { email = email.ToUpperInvariant() });
        using var unknown = await _client.PostAsync("/api/auth/forgot-password", new { email = IdentityClient.NewEmail("nobody") });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var requested = Assert.Single(await _client.EventsAsync<PasswordResetRequested>(user.Id));
        Assert.Equal(email, requested.Email);
        Assert.InRange(requested.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
    }

    [Fact]
    public async Task Reset_sets_the_password_once_and_revokes_every_session()
    {
        var email = IdentityClient.NewEmail("reset");
        var user = await _client.RegisterAsync(email);
        var session = await _client.LoginAsync(email);
        using (await _client.PostAsync("/api/auth/forgot-password", new { email }))
        {
        }
        var token = await _client.ResetTokenAsync(user.Id);

        using var weak = await _client.PostAsync("/api/auth/reset-password", new { token, newPassword = "password123" });
        await weak.AssertInvalidAsync("newPassword");

        using var reset = await _client.PostAsync("/api/auth/reset-password", new { token, newPassword = NewPassword });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        using var oldPassword = await _client.PostAsync("/api/auth/login", new { email, password = IdentityClient.Password });
        await oldPassword.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var fresh = await _client.LoginAsync(email, NewPassword);
        Assert.True(TokenForge.Payload(fresh.AccessToken)["email_verified"]!.GetValue<bool>());

        using var oldRefresh = await _client.PostAsync("/api/auth/refresh", new { refreshToken = session.RefreshToken });
        await oldRefresh.AssertProblemAsync(HttpStatusCode.BadRequest);
        await Eventually.GetAsync(() => ResourceStatusAsync(session.AccessToken), s => s == HttpStatusCode.Unauthorized, "the old access token to be refused");
        Assert.Equal(HttpStatusCode.OK, await ResourceStatusAsync(fresh.AccessToken));

        using var reused = await _client.PostAsync("/api/auth/reset-password", new { token, newPassword = "yet another passphrase" });
        await reused.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_verification_token_cannot_reset_a_password()
    {
        var email = IdentityClient.NewEmail("crossed");
        var user = await _client.RegisterAsync(email);
        var verification = await _client.VerificationTokenAsync(user.Id);
        using var response = await _client.PostAsync("/api/auth/reset-password", new { token = verification, newPassword = NewPassword });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await _client.LoginAsync(email);
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"token\":\"abc\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"newPassword\":\"a brand new passphrase\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"token\":\"made-up-token\",\"newPassword\":\"a brand new passphrase\"}", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task Bad_reset_requests_are_refused(string body, HttpStatusCode status)
    {
        using var response = await _client.PostAsync("/api/auth/reset-password", body);
        await response.AssertProblemAsync(status);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"email\":\"no-at-sign\"}")]
    public async Task Forgot_password_validates_the_address(string body)
    {
        using var response = await _client.PostAsync("/api/auth/forgot-password", body);
        await response.AssertInvalidAsync("email");
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_ends_the_other_sessions()
    {
        var (user, current) = await _client.NewUserAsync("change");
        var other = await _client.LoginAsync(user.Email);

        using var wrong = await _client.PostAsync("/api/users/me/change-password", new { currentPassword = "not my password", newPassword = NewPassword }, current.AccessToken);
        await wrong.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var weak = await _client.PostAsync("/api/users/me/change-password", new { currentPassword = IdentityClient.Password, newPassword = "short" }, current.AccessToken);
        await weak.AssertInvalidAsync("newPassword");
        using var missing = await _client.PostAsync("/api/users/me/change-password", new { newPassword = NewPassword }, current.AccessToken);
        await missing.AssertInvalidAsync("currentPassword");
        using var anonymous = await _client.PostAsync("/api/users/me/change-password", new { currentPassword = IdentityClient.Password, newPassword = NewPassword });
        await anonymous.AssertUnauthorizedAsync(tokenPresented: false);

        using var changed = await _client.PostAsync("/api/users/me/change-password", new { currentPassword = IdentityClient.Password, newPassword = NewPassword }, current.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        await _client.LoginAsync(user.Email, NewPassword);
        using var otherRefresh = await _client.PostAsync("/api/auth/refresh", new { refreshToken = other.RefreshToken });
        await otherRefresh.AssertProblemAsync(HttpStatusCode.BadRequest);
        await Eventually.GetAsync(() => ResourceStatusAsync(other.AccessToken), s => s == HttpStatusCode.Unauthorized, "the other session's token to be refused");
        Assert.Equal(HttpStatusCode.OK, await ResourceStatusAsync(current.AccessToken));
        using var currentRefresh = await _client.PostAsync("/api/auth/refresh", new { refreshToken = current.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, currentRefresh.StatusCode);
    }
}
