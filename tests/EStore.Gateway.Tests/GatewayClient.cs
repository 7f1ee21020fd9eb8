using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EStore.Gateway.Tests;

/// <summary>Calls through the gateway: accounts, tokens and authenticated requests.</summary>
public static class GatewayClient
{
    public sealed record Session(Guid UserId, string AccessToken);

    /// <summary>Registers a new customer and logs in.</summary>
    public static async Task<Session> NewCustomerAsync(HttpClient gateway)
    {
        var email = $"gw-{Guid.NewGuid():N}"[..20] + "@estore.test";
        const string password = "customer password 123";
        using var register = await gateway.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Gateway Tester" });
        await RetryWhenLimitedAsync(register, async () =>
        {
            using var again = await gateway.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Gateway Tester" });
            return again.StatusCode;
        }, HttpStatusCode.Created);
        return await LoginAsync(gateway, email, password);
    }

    /// <summary>Logs in, waiting out the strict login limit if another test used it up.</summary>
    public static async Task<Session> LoginAsync(HttpClient gateway, string email, string password)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var response = await gateway.PostAsJsonAsync("/api/auth/login", new { email, password });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(RetryAfter(response));
                continue;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var tokens = await response.Content.ReadFromJsonAsync<JsonElement>();
            var access = tokens.GetProperty("accessToken").GetString()!;
            using var me = Authorized(HttpMethod.Get, "/api/users/me", access);
            using var profile = await gateway.SendAsync(me);
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
            var id = (await profile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            return new Session(id, access);
        }
        throw new InvalidOperationException("login stayed rate limited");
    }

    /// <summary>The status of a GET of <paramref name="path"/> through <paramref name="client"/>, with the token if given.</summary>
    public static async Task<HttpStatusCode> GetStatusAsync(HttpClient client, string path, string? token = null)
    {
        using var request = token is null ? new HttpRequestMessage(HttpMethod.Get, path) : Authorized(HttpMethod.Get, path, token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string accessToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    public static TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } delta ? delta + TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1);

    private static async Task RetryWhenLimitedAsync(HttpResponseMessage first, Func<Task<HttpStatusCode>> again, HttpStatusCode expected)
    {
        var status = first.StatusCode;
        var wait = RetryAfter(first);
        for (var attempt = 0; status == HttpStatusCode.TooManyRequests && attempt < 5; attempt++)
        {
            await Task.Delay(wait);
            status = await again();
        }
        Assert.Equal(expected, status);
    }
}
