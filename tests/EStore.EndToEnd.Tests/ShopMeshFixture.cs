using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Npgsql;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// Broker, discovery, gateway, identity-service, shop-service and product-service as real processes, each
/// service on its own PostgreSQL database, every process exporting spans to an in-test
/// <see cref="ZipkinCollector"/>. Driven through the gateway like a client would; shared by the shop tests.
/// </summary>
public sealed class ShopMeshFixture() : MeshFixture("shopmesh", "identity-service", "product-service", "shop-service")
{
    public const string AdminEmail = "root@shop-mesh.test";
    public const string AdminPassword = "admin password for shop mesh tests";
    public const string Password = "correct horse battery staple";

    /// <summary>How long anything that crosses Kafka or a span batch may take here.</summary>
    public static readonly TimeSpan Bounded = TimeSpan.FromSeconds(45);

    public ZipkinCollector Zipkin { get; private set; } = null!;

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        Zipkin = Own(await ZipkinCollector.StartAsync());
        options.ReadyTimeout = TimeSpan.FromSeconds(90);
        options.ZipkinEndpoint = Zipkin.Endpoint.ToString();
        // Spans are batched: export often so the trace test does not wait a second per hop.
        options.Environment["Zipkin__ScheduledDelayMilliseconds"] = "200";
        // Events leave through the outboxes: poll them often so roles and shops propagate quickly.
        options.Environment["Messaging__Relay__PollIntervalMs"] = "100";
        // identity-service starts after the gateway and the other services: fetch its keys again soon after a miss.
        options.Environment["Jwt__JwksMinRefreshSeconds"] = "1";
        options.AppEnvironment["identity-service"] = new Dictionary<string, string?>
        {
            ["Identity__Admin__Email"] = AdminEmail,
            ["Identity__Admin__Password"] = AdminPassword,
        };
        MeshSettings.RaiseIdentityRateLimits(options.AppEnvironment["identity-service"]);
        options.AppEnvironment["gateway"] = new Dictionary<string, string?>
        {
            // Every test registers and logs in several users from one address.
            ["Gateway__RateLimits__Strict__PermitLimit"] = "1000",
        };
    }

    public static string NewEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.test";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? token, string? traceParent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }
        return await Gateway.SendAsync(request);
    }

    /// <summary>Sends and returns the JSON body, asserting <paramref name="expected"/>.</summary>
    public async Task<JsonElement> SendExpectingAsync(HttpStatusCode expected, HttpMethod method, string path, object? body, string? token, string? traceParent = null)
    {
        using var response = await SendAsync(method, path, body, token, traceParent);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Registers an account (unverified) and returns its id.</summary>
    public async Task<Guid> RegisterAsync(string email) =>
        (await SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/auth/register", new { email, password = Password, name = "Shop Tester" }, null))
            .GetProperty("id").GetGuid();

    /// <summary>An access token for <paramref name="email"/>.</summary>
    public async Task<string> LoginAsync(string email, string password = Password) =>
        (await SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login", new { email, password }, null))
            .GetProperty("accessToken").GetString()!;

    /// <summary>Verifies the address with the token identity-service wrote for the verification mail.</summary>
    public async Task VerifyEmailAsync(Guid userId)
    {
        var token = await VerificationTokenAsync(userId);
        await SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/verify-email", new { token }, null);
    }

    /// <summary>A registered, verified account and an access token that says so.</summary>
    public async Task<(Guid Id, string Email, string Token)> VerifiedUserAsync(string prefix)
    {
        var email = NewEmail(prefix);
        var id = await RegisterAsync(email);
        await VerifyEmailAsync(id);
        return (id, email, await LoginAsync(email));
    }

    /// <summary>
    /// Logs in until the token carries <paramref name="role"/> (identity-service grants <c>shop_owner</c> when it
    /// consumes <c>ShopCreated</c>), bounded by <see cref="Bounded"/>.
    /// </summary>
    public Task<string> LoginWithRoleAsync(string email, string role) =>
        Eventually.GetAsync(() => LoginAsync(email), token => Roles(token).Contains(role), $"{email} to get the role {role}", Bounded);

    /// <summary>Repeats <paramref name="send"/> until it answers <paramref name="expected"/> (events still on their way), bounded.</summary>
    public async Task<JsonElement> EventuallyAsync(HttpStatusCode expected, Func<Task<HttpResponseMessage>> send, string what)
    {
        var (_, text) = await Eventually.GetAsync(async () =>
        {
            using var response = await send();
            return (Status: response.StatusCode, Text: await response.Content.ReadAsStringAsync());
        }, answer => answer.Status == expected, what, Bounded);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The roles in an access token's payload (read, not validated: the services validate it).</summary>
    public static IReadOnlyList<string> Roles(string accessToken)
    {
        var payload = accessToken.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        var claims = JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement;
        if (!claims.TryGetProperty("role", out var role))
        {
            return [];
        }
        return role.ValueKind == JsonValueKind.Array ? [.. role.EnumerateArray().Select(r => r.GetString()!)] : [role.GetString()!];
    }

    /// <summary>The newest verification token identity-service put in its outbox for the mail to <paramref name="userId"/>.</summary>
    private async Task<string> VerificationTokenAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(DatabaseOf("identity-service"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT payload FROM {MessagingModelBuilderExtensions.OutboxTable} WHERE aggregate_key = @key AND event_type = @type ORDER BY id DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue("key", userId.ToString());
        command.Parameters.AddWithValue("type", EventTypeRegistry.Default.Get<EmailVerificationRequested>().Name);
        var payload = await command.ExecuteScalarAsync() as string;
        Assert.NotNull(payload);
        var sealedToken = ((EmailVerificationRequested)EventJson.Deserialize(Encoding.UTF8.GetBytes(payload), typeof(EmailVerificationRequested))).SealedVerificationToken;
        // Sealed for notification-service; the mesh handed this run's key to identity-service and exposes it to tests.
        Assert.True(SealedToken.TryOpen(Convert.FromBase64String(Mesh.AccountTokensKey), SealedToken.EmailVerificationPurpose, userId, sealedToken, out var token));
        return token;
    }
}

[CollectionDefinition(Name)]
public sealed class ShopMeshCollection : ICollectionFixture<ShopMeshFixture>
{
    public const string Name = "shop-mesh";
}
