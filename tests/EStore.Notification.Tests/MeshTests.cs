using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EStore.Mesh;

namespace EStore.Notification.Tests;

/// <summary>
/// The broker, discovery, the gateway, identity-, shop- and notification-service as real processes on PostgreSQL, with
/// an SMTP server in this process: what a new user meets, driven through the gateway only.
/// </summary>
public sealed class NotificationMesh() : MeshFixture("notifymesh", "identity-service", "shop-service", "notification-service")
{
    public const string StoreUrl = "http://store.test";

    public TestSmtpServer Smtp { get; private set; } = null!;

    protected override Task ConfigureAsync(MeshHostOptions options)
    {
        Smtp = Own(TestSmtpServer.Start());
        options.Environment["Messaging__Relay__PollIntervalMs"] = "100";
        options.Environment["Jwt__JwksMinRefreshSeconds"] = "1";
        options.AppEnvironment["identity-service"] = new Dictionary<string, string?>();
        MeshSettings.RaiseIdentityRateLimits(options.AppEnvironment["identity-service"]);
        options.AppEnvironment["gateway"] = new Dictionary<string, string?> { ["Gateway__RateLimits__Strict__PermitLimit"] = "1000" };
        options.AppEnvironment["notification-service"] = new Dictionary<string, string?>
        {
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications__StoreUrl"] = StoreUrl,
            ["Notifications__PollIntervalMs"] = "200",
        };
        return Task.CompletedTask;
    }
}

/// <summary>Register, get the verification mail, follow its link, open a shop: through the gateway, the mail over SMTP.</summary>
public sealed partial class MeshTests(NotificationMesh mesh) : IClassFixture<NotificationMesh>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_new_user_verifies_with_the_mailed_link_and_can_then_open_a_shop()
    {
        var email = $"newcomer-{Guid.NewGuid():N}@example.test";
        const string password = "correct horse battery staple";
        using (var registered = await mesh.Gateway.PostAsJsonAsync("/api/auth/register", new { email, password, name = "New Comer" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        var unverified = await LoginAsync(email, password);
        using (var tooEarly = await SendAsync(HttpMethod.Post, "/api/shops", new { name = $"Early {Guid.NewGuid():N}"[..20], contactEmail = email }, unverified))
        {
            await tooEarly.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var mail = await mesh.Smtp.WaitForAsync(email, "Confirm your e-mail address", Bounded);
        Assert.Equal("New Comer", mail.To.Mailboxes.Single().Name);
        var link = VerifyLink().Match(mail.TextBody ?? "");
        Assert.True(link.Success, mail.TextBody);
        Assert.Contains($"href=\"{link.Value}\"", mail.HtmlBody);
        var token = Uri.UnescapeDataString(link.Groups[1].Value);

        using (var verified = await mesh.Gateway.PostAsJsonAsync("/api/auth/verify-email", new { token }))
        {
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        }
        var owner = await LoginAsync(email, password);
        using (var opened = await SendAsync(HttpMethod.Post, "/api/shops", new { name = $"Mailed {Guid.NewGuid():N}"[..20], contactEmail = email }, owner))
        {
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        }

        // The welcome follows the verification, and the user sees both mails through the gateway.
        await mesh.Smtp.WaitForAsync(email, "Welcome to", Bounded);
        var own = await Eventually.GetAsync(async () =>
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/notifications", null, owner);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }, list => list.TryGetProperty("items", out var items) && items.GetArrayLength() == 2, "the user's two mails", Bounded);
        Assert.Equal(["welcome", "verify-email"], own.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString()));
        Assert.All(own.GetProperty("items").EnumerateArray(), i => Assert.Equal("sent", i.GetProperty("status").GetString()));
        // The administrators' list is not theirs: the gateway refuses it before notification-service is asked.
        using var all = await SendAsync(HttpMethod.Get, "/api/notifications/all", null, owner);
        await all.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    private async Task<string> LoginAsync(string email, string password)
    {
        using var response = await mesh.Gateway.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await mesh.Gateway.SendAsync(request);
    }

    [GeneratedRegex(@"http://store\.test/verify-email\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex VerifyLink();
}
