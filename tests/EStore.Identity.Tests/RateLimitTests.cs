using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using EStore.Identity.Tests.Infrastructure;

namespace EStore.Identity.Tests;

/// <summary>identity-service limits credential endpoints per client on its own port, not only behind the gateway.</summary>
public sealed class RateLimitTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task The_attempt_after_the_limit_directly_on_identity_gets_429_with_Retry_After_and_other_clients_are_unaffected()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker, new Dictionary<string, string?>
        {
            ["Identity:RateLimits:Login:PermitLimit"] = "3",
            ["Identity:RateLimits:Login:WindowSeconds"] = "300",
        });
        var login = new { email = IdentityClient.NewEmail("limited"), password = "not the password at all" };
        // A client on its own address (127.0.0.2 reaches the loopback listener on Linux), calling identity directly.
        using var client = ClientFrom(IPAddress.Parse("127.0.0.2"), env.Identity.BaseAddress);
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.PostAsJsonAsync("/api/auth/login", login);
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/auth/login", login);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);

        // A made-up X-Forwarded-For from a caller that is not the gateway does not buy a fresh allowance.
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(login) };
        forged.Headers.Add("X-Forwarded-For", "198.51.100.23");
        using var stillLimited = await client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.StatusCode);

        // Another client (127.0.0.1), and another user behind the gateway (trusted loopback proxy), are not limited.
        using var other = await env.Identity.Http.PostAsJsonAsync("/api/auth/login", login);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        using var proxied = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(login) };
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var behindGateway = await env.Identity.Http.SendAsync(proxied);
        Assert.Equal(HttpStatusCode.Unauthorized, behindGateway.StatusCode);
    }

    [Fact]
    public async Task Forgot_password_register_reset_and_resend_are_limited_per_client_too()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker, new Dictionary<string, string?>
        {
            ["Identity:RateLimits:Register:PermitLimit"] = "1",
            ["Identity:RateLimits:ForgotPassword:PermitLimit"] = "1",
            ["Identity:RateLimits:ResetPassword:PermitLimit"] = "1",
            ["Identity:RateLimits:ResendVerification:PermitLimit"] = "1",
        });
        using var client = ClientFrom(IPAddress.Parse("127.0.0.3"), env.Identity.BaseAddress);
        foreach (var (path, body) in new (string, object)[]
        {
            ("/api/auth/register", new { email = IdentityClient.NewEmail("r"), password = IdentityClient.Password, name = "R" }),
            ("/api/auth/forgot-password", new { email = IdentityClient.NewEmail("f") }),
            ("/api/auth/reset-password", new { token = "made-up-token", newPassword = IdentityClient.Password }),
            ("/api/auth/resend-verification", new { email = IdentityClient.NewEmail("v") }),
        })
        {
            using var first = await client.PostAsJsonAsync(path, body);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, first.StatusCode);
            using var second = await client.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.True(second.Headers.Contains("Retry-After"), path);
        }
    }

    /// <summary>An HTTP client whose connections come from <paramref name="local"/>.</summary>
    private static HttpClient ClientFrom(IPAddress local, Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
