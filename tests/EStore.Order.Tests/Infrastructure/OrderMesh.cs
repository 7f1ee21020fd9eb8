using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EStore.Mesh;

namespace EStore.Order.Tests.Infrastructure;

/// <summary>
/// The checkout saga's whole mesh as real processes on PostgreSQL: broker, discovery, gateway, identity-, shop-,
/// product-, cart-, address-, payment-, order- and notification-service (demo data: the demo logins, shops and
/// catalog), the payment sandbox in this process (<see cref="TestPaymentProvider"/>, so charges can be counted) and an
/// SMTP server in this process for the verification mail. Everything is reached through the gateway.
/// </summary>
public partial class OrderMesh() : MeshFixture("ordermesh", "identity-service", "shop-service", "product-service", "cart-service",
    "address-service", "payment-service", "order-service", "notification-service")
{
    /// <summary>A demo category (product-service's seed) for the products the tests create.</summary>
    public const string Kitchen = "00000000-0000-4000-9000-000000000005";

    private const string StoreUrl = "http://store.test";

    public TestPaymentProvider Provider { get; private set; } = null!;

    public TestSmtpServer Smtp { get; private set; } = null!;

    protected override TimeSpan StartTimeout => TimeSpan.FromMinutes(6);

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        Provider = Own(await TestPaymentProvider.StartAsync());
        Smtp = Own(TestSmtpServer.Start());
        options.SeedDemoData = true;
        options.StartPaymentSandbox = false;
        options.ReadyTimeout = TimeSpan.FromMinutes(4);
        options.Environment["Messaging__Relay__PollIntervalMs"] = "100";
        options.Environment["Messaging__Consumer__CommitIntervalMs"] = "200";
        options.Environment["Jwt__JwksMinRefreshSeconds"] = "1";
        options.AppEnvironment["identity-service"] = new Dictionary<string, string?>();
        MeshSettings.RaiseIdentityRateLimits(options.AppEnvironment["identity-service"]);
        options.AppEnvironment["gateway"] = new Dictionary<string, string?>
        {
            ["Gateway__RateLimits__Strict__PermitLimit"] = "100000",
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

    /// <summary>Sends through the gateway; the body is parsed JSON (default when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body, string? token, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var response = await Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Sends and asserts the status; returns the body.</summary>
    public async Task<JsonElement> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, object? body, string? token, string? idempotencyKey = null)
    {
        var (status, answer) = await SendAsync(method, path, body, token, idempotencyKey);
        Assert.True(status == expected, $"{method} {path}: expected {(int)expected}, got {(int)status}: {answer}");
        return answer;
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        var body = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login", new { email, password }, null);
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A new customer, registered and verified through the mailed link, signed in.</summary>
    public async Task<Shopper> RegisterAsync(string card = "4242424242424242")
    {
        var email = $"buyer-{Guid.NewGuid():N}@example.test";
        const string password = "correct horse battery staple";
        var (status, _) = await Eventually.GetAsync(() => SendAsync(HttpMethod.Post, "/api/auth/register", new { email, password, name = "Ada Buyer" }, null),
            answer => answer.Status != HttpStatusCode.ServiceUnavailable, "the gateway to route identity-service", TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, status);
        var mail = await Smtp.WaitForAsync(email, "Confirm your e-mail address", TimeSpan.FromSeconds(60));
        var link = VerifyLink().Match(mail.TextBody ?? "");
        Assert.True(link.Success, mail.TextBody);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/verify-email", new { token = Uri.UnescapeDataString(link.Groups[1].Value) }, null);
        var token = await LoginAsync(email, password);
        var carts = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/carts", null, token);
        var address = await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses", new
        {
            label = "Home",
            recipientName = "Ada Buyer",
            line1 = "1 Analytical Lane",
            city = "London",
            postalCode = "N1 1AA",
            country = "GB",
            phone = "+44 20 7946 0000",
        }, token);
        var method = await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/payment-methods", new Dictionary<string, object?>
        {
            ["payment_type"] = "Card",
            ["details"] = new Dictionary<string, object?> { ["card_number"] = card, ["expiry_month"] = 12, ["expiry_year"] = DateTime.UtcNow.Year + 3, ["cvc"] = "123" },
        }, token);
        return new Shopper(email, token, carts.EnumerateArray().Single().GetProperty("id").GetGuid(), address.GetProperty("id").GetGuid(), method.GetProperty("id").GetGuid());
    }

    /// <summary>A new product of the demo shop Summit Outfitters (the demo shop owner's) with one variant of <paramref name="stock"/> units.</summary>
    public async Task<Guid> NewVariantAsync(string ownerToken, int stock, decimal price, string currency)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var created = await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/products", new
        {
            shopId = DemoShopSummit,
            categoryId = Kitchen,
            name = $"Lantern {tag}",
            description = "For checkouts",
            price,
            currency,
            variants = new[] { new { sku = $"{tag}-1", name = "Standard", price, stock } },
        }, ownerToken);
        return created.GetProperty("variants")[0].GetProperty("id").GetGuid();
    }

    /// <summary>The variant as product-service's public lookup shows it now (its <c>available</c> units).</summary>
    public async Task<JsonElement> VariantAsync(Guid variantId) =>
        (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/products/variants?ids={variantId}", null, null))[0];

    /// <summary>The order as its customer reads it, once <paramref name="done"/> holds.</summary>
    public Task<JsonElement> CheckoutWhenAsync(Guid id, string token, Func<JsonElement, bool> done, string what) =>
        Eventually.GetAsync(async () => (await SendAsync(HttpMethod.Get, $"/api/orders/checkouts/{id}", null, token)).Body, done, what, TimeSpan.FromSeconds(60));

    public static readonly Guid DemoShopSummit = new("00000000-0000-4000-b000-000000000001");

    public static string Status(JsonElement view) => view.GetProperty("status").GetString()!;

    [GeneratedRegex(@"http://store\.test/verify-email\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex VerifyLink();
}

/// <summary>A signed-in, verified customer with a default cart, shipping address and card.</summary>
public sealed record Shopper(string Email, string Token, Guid CartId, Guid AddressId, Guid PaymentMethodId);

[CollectionDefinition(Name)]
public sealed class OrderMeshCollection : ICollectionFixture<OrderMesh>
{
    public const string Name = "order mesh";
}
