using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EStore.Contracts;
using EStore.Mesh;

namespace EStore.Security.Tests.Infrastructure;

/// <summary>
/// Every service of the mesh as real processes on PostgreSQL (demo data: the demo logins, shops and catalog), the
/// payment sandbox and an SMTP server in this process, and identity-service's Data Protection key ring in a folder
/// the tests can read (<see cref="IdentityKey"/>: tokens signed with the real key, wrong in one claim only).
/// <see cref="WorldAsync"/> seeds one resource of each kind once; tests attack it through the gateway and directly.
/// </summary>
public sealed partial class SecurityMesh() : MeshFixture("securitymesh", "identity-service", "shop-service", "product-service",
    "cart-service", "address-service", "payment-service", "order-service", "notification-service")
{
    /// <summary>The gateway's per-IP window on login, register and forgot-password (<see cref="RateLimitTests"/>).</summary>
    public const int StrictPermitLimit = 100;

    /// <summary>identity-service's own limit on resend-verification (its default), left in place for <see cref="RateLimitTests"/>.</summary>
    public const int IdentityResendPermitLimit = 10;

    /// <summary>A demo category (product-service's seed).</summary>
    public static readonly Guid Kitchen = new("00000000-0000-4000-9000-000000000005");

    /// <summary>The demo shop owner's shop.</summary>
    public static readonly Guid SummitShop = new("00000000-0000-4000-b000-000000000001");

    public const string Password = "correct horse battery staple";

    private const string StoreUrl = "http://store.test";

    private readonly SemaphoreSlim _seeding = new(1, 1);
    private static readonly TimeSpan TokenRenewal = TimeSpan.FromMinutes(8);
    private World? _world;
    private DateTime _signedInAt;
    private HttpClient? _http;

    /// <summary>
    /// The attacks' client: a longer timeout than <see cref="MeshFixture.Gateway"/>'s 30 s, since a machine shared with
    /// other builds and meshes sometimes holds one request that long.
    /// </summary>
    private HttpClient Http => _http ??= Own(new OwnedClient(TimeSpan.FromMinutes(2))).Client;

    public TestPaymentProvider Provider { get; private set; } = null!;

    public TestSmtpServer Smtp { get; private set; } = null!;

    /// <summary>identity-service's Data Protection keys folder.</summary>
    public string IdentityKeysFolder { get; } = Path.Combine(Path.GetTempPath(), $"estore-security-{Guid.NewGuid():N}");

    protected override TimeSpan StartTimeout => TimeSpan.FromMinutes(6);

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        Provider = Own(await TestPaymentProvider.StartAsync());
        Smtp = Own(TestSmtpServer.Start());
        Directory.CreateDirectory(IdentityKeysFolder);
        options.SeedDemoData = true;
        options.StartPaymentSandbox = false;
        options.ReadyTimeout = TimeSpan.FromMinutes(4);
        options.Environment["Messaging__Relay__PollIntervalMs"] = "100";
        options.Environment["Messaging__Consumer__CommitIntervalMs"] = "200";
        options.Environment["Jwt__JwksMinRefreshSeconds"] = "1";
        // A shared, loaded machine: PostgreSQL may take longer than the default 15 s to accept a connection.
        options.Environment["Database__StartupTimeoutSeconds"] = "120";
        var identity = new Dictionary<string, string?> { ["Identity__DataProtection__KeysFolder"] = IdentityKeysFolder };
        MeshSettings.RaiseIdentityRateLimits(identity);
        identity["Identity__RateLimits__ResendVerification__PermitLimit"] = IdentityResendPermitLimit.ToString(CultureInfo.InvariantCulture);
        options.AppEnvironment["identity-service"] = identity;
        options.AppEnvironment["gateway"] = new Dictionary<string, string?>
        {
            ["Gateway__RateLimits__Strict__PermitLimit"] = StrictPermitLimit.ToString(CultureInfo.InvariantCulture),
            ["Gateway__RateLimits__PerUser__PermitLimit"] = "100000",
        };
        options.AppEnvironment["payment-service"] = Provider.PaymentServiceSettings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => (string?)s.Value);
        options.AppEnvironment["notification-service"] = new Dictionary<string, string?>
        {
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications__StoreUrl"] = StoreUrl,
            ["Notifications__PollIntervalMs"] = "200",
        };
    }

    /// <summary>The base address of a service's first instance: calls that skip the gateway.</summary>
    public Uri Direct(string app) => Mesh.GetInstances(app)[0].BaseUrl;

    /// <summary>Sends to <paramref name="baseUrl"/> (the gateway when null) and reads the whole answer.</summary>
    public async Task<Answer> SendAsync(Uri? baseUrl, HttpMethod method, string path, object? body, string? token,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUrl ?? Mesh.GatewayUrl, path));
        if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter is not null);
    }

    /// <summary>Through the gateway; the body is parsed JSON (default when empty).</summary>
    public Task<Answer> SendAsync(HttpMethod method, string path, object? body, string? token, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(null, method, path, body, token, headers);

    /// <summary>Sends through the gateway and asserts the status; returns the body.</summary>
    public async Task<JsonElement> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, object? body, string? token,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var answer = await SendAsync(method, path, body, token, headers);
        Assert.True(answer.Status == expected, $"{method} {path}: expected {(int)expected}, got {(int)answer.Status}: {answer.Text}");
        return answer.Json;
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        var body = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login", new { email, password }, null);
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A new customer, registered and verified through the mailed link, signed in.</summary>
    public async Task<Account> RegisterAsync(string name, object? extra = null)
    {
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var body = new Dictionary<string, object?> { ["email"] = email, ["password"] = Password, ["name"] = $"{name} Tester" };
        foreach (var property in JsonSerializer.SerializeToElement(extra ?? new { }).EnumerateObject())
        {
            body[property.Name] = property.Value;
        }
        var registered = await Eventually.GetAsync(() => SendAsync(HttpMethod.Post, "/api/auth/register", body, null),
            answer => answer.Status != HttpStatusCode.ServiceUnavailable, "the gateway to route identity-service", TimeSpan.FromSeconds(60));
        Assert.True(registered.Status == HttpStatusCode.Created, registered.Text);
        var mail = await Smtp.WaitForAsync(email, "Confirm your e-mail address", TimeSpan.FromSeconds(60));
        var link = VerifyLink().Match(mail.TextBody ?? "");
        Assert.True(link.Success, mail.TextBody);
        var verified = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/verify-email", new { token = Uri.UnescapeDataString(link.Groups[1].Value) }, null);
        var token = await LoginAsync(email, Password);
        return new Account(verified.GetProperty("id").GetGuid(), email, token);
    }

    /// <summary>The resources every attack aims at, seeded once (see <see cref="World"/>).</summary>
    public async Task<World> WorldAsync()
    {
        await _seeding.WaitAsync();
        try
        {
            if (_world is null)
            {
                _world = await WorldSeeder.SeedAsync(this);
                _signedInAt = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - _signedInAt > TokenRenewal)
            {
                // Access tokens live 15 minutes; the suite may take longer.
                _world = _world with
                {
                    Admin = _world.Admin with { Token = await LoginAsync(_world.Admin.Email, DemoAccounts.Admin.Password) },
                    Owner = _world.Owner with { Token = await LoginAsync(_world.Owner.Email, DemoAccounts.ShopOwner.Password) },
                    A = _world.A with { Token = await LoginAsync(_world.A.Email, Password) },
                    B = _world.B with { Token = await LoginAsync(_world.B.Email, Password) },
                    Rival = _world.Rival with { Token = await LoginAsync(_world.Rival.Email, Password) },
                };
                _signedInAt = DateTime.UtcNow;
            }
            return _world;
        }
        finally
        {
            _seeding.Release();
        }
    }

    [GeneratedRegex(@"http://store\.test/verify-email\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex VerifyLink();
}

/// <summary>An <see cref="HttpClient"/> the fixture disposes with the mesh.</summary>
internal sealed class OwnedClient(TimeSpan timeout) : IAsyncDisposable
{
    public HttpClient Client { get; } = new() { Timeout = timeout };

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A signed-in user.</summary>
public sealed record Account(Guid Id, string Email, string Token);

/// <summary>An answer read whole.</summary>
public sealed record Answer(HttpStatusCode Status, string Text, string? MediaType, bool HasRetryAfter)
{
    public JsonElement Json => Text.Length == 0 ? default : JsonDocument.Parse(Text).RootElement.Clone();

    public override string ToString() => $"{(int)Status} {(Text.Length > 300 ? Text[..300] + "..." : Text)}";
}

[CollectionDefinition(Name)]
public sealed class SecurityMeshCollection : ICollectionFixture<SecurityMesh>
{
    public const string Name = "security mesh";
}
