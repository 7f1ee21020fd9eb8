using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>Calls identity-service the way a client would, plus a look into its outbox for the tokens it mailed.</summary>
public sealed class IdentityClient(IdentityApp app)
{
    public const string Password = "correct horse battery staple";

    public HttpClient Http => app.Http;

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.test";

    /// <summary>
    /// POSTs; for the endpoints whose mail work runs off the request path (register, forgot-password,
    /// resend-verification) it then waits until that work is done, so tests see its events at once.
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(string path, object? body, string? accessToken = null)
    {
        var response = await SendAsync(HttpMethod.Post, path, body, accessToken);
        if (path is "/api/auth/register" or "/api/auth/forgot-password" or "/api/auth/resend-verification")
        {
            await MailQueueIdleAsync();
        }
        return response;
    }

    /// <summary>Waits until identity-service's stored mail requests are handled.</summary>
    public Task MailQueueIdleAsync() =>
        Eventually.GetAsync(async () =>
        {
            var db = app.CreateDbContext(out var scope);
            using (scope)
            {
                return await db.PendingMails.CountAsync();
            }
        }, pending => pending == 0, "the pending mail requests to be handled");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? accessToken = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return await Http.SendAsync(request);
    }

    public async Task<UserDto> RegisterAsync(string email, string password = Password, string name = "Test User")
    {
        using var response = await PostAsync("/api/auth/register", new { email, password, name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserDto>())!;
    }

    public async Task<TokenResponse> LoginAsync(string email, string password = Password)
    {
        using var response = await PostAsync("/api/auth/login", new { email, password });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login of {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    /// <summary>A new account, logged in.</summary>
    public async Task<(UserDto User, TokenResponse Tokens)> NewUserAsync(string prefix = "user")
    {
        var email = NewEmail(prefix);
        var user = await RegisterAsync(email);
        return (user, await LoginAsync(email));
    }

    public Task<TokenResponse> AdminLoginAsync() => LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);

    /// <summary>The events identity-service wrote for <paramref name="userId"/>, oldest first.</summary>
    public async Task<List<T>> EventsAsync<T>(Guid userId)
        where T : IIntegrationEvent
    {
        var name = EventTypeRegistry.Default.Get<T>().Name;
        var db = app.CreateDbContext(out var scope);
        using (scope)
        {
            var key = userId.ToString();
            var rows = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.AggregateKey == key && m.EventType == name)
                .OrderBy(m => m.Id)
                .ToListAsync();
            return [.. rows.Select(r => (T)EventJson.Deserialize(Encoding.UTF8.GetBytes(r.Payload), typeof(T)))];
        }
    }

    /// <summary>The newest verification token mailed to <paramref name="userId"/>, opened as notification-service would.</summary>
    public async Task<string> VerificationTokenAsync(Guid userId) =>
        Open(SealedToken.EmailVerificationPurpose, userId, (await EventsAsync<EmailVerificationRequested>(userId)).Last().SealedVerificationToken);

    /// <summary>The newest reset token mailed to <paramref name="userId"/>, opened as notification-service would.</summary>
    public async Task<string> ResetTokenAsync(Guid userId) =>
        Open(SealedToken.PasswordResetPurpose, userId, (await EventsAsync<PasswordResetRequested>(userId)).Last().SealedResetToken);

    public static string Open(string purpose, Guid userId, string sealedToken)
    {
        Assert.True(SealedToken.TryOpen(Convert.FromBase64String(IdentityApp.AccountTokensKey), purpose, userId, sealedToken, out var token),
            $"the sealed {purpose} token of {userId} does not open with the test key");
        return token;
    }
}

/// <summary>The identity answers built on <see cref="EStore.Testing.Problems"/>.</summary>
public static class IdentityProblems
{
    /// <summary>A 422 naming <paramref name="field"/> among its errors.</summary>
    public static async Task<JsonElement> AssertInvalidAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for '{field}': {problem}");
        Assert.NotEmpty(messages.EnumerateArray());
        return problem;
    }

    public static async Task<JsonElement> AssertUnauthorizedAsync(this HttpResponseMessage response, bool tokenPresented = true)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        if (tokenPresented)
        {
            Assert.Equal("error=\"invalid_token\"", challenge.Parameter);
        }
        return problem;
    }
}
