using System.Net;
using System.Text;
using System.Text.Json;
using EStore.Contracts;

namespace EStore.Security.Tests.Infrastructure;

/// <summary>
/// What the attacks aim at: user A's cart with a line, address, card, confirmed order (with its payment and mails), the
/// demo shop owner's shop with a product, a feed and an import job; and the attackers: customer B (with resources of
/// their own), a rival shop owner with a shop of their own, and the admin.
/// </summary>
public sealed record World(
    Account Admin,
    Account Owner,
    Guid ShopId,
    Guid ProductId,
    Guid VariantId,
    Guid FeedId,
    Guid ImportJobId,
    Account A,
    Guid CartId,
    Guid AddressId,
    Guid PaymentMethodId,
    Guid OrderId,
    Guid OrderLineId,
    Guid PaymentId,
    Guid NotificationId,
    string GuestCartToken,
    Account B,
    Guid BCartId,
    Guid BAddressId,
    Account Rival,
    Guid RivalShopId)
{
    /// <summary>Every id of a resource of A or of the owner: none may appear in an answer to an attacker.</summary>
    public IEnumerable<Guid> VictimIds => [CartId, AddressId, PaymentMethodId, OrderId, OrderLineId, PaymentId, NotificationId, FeedId, ImportJobId];
}

internal static class WorldSeeder
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    public static async Task<World> SeedAsync(SecurityMesh mesh)
    {
        var admin = new Account(DemoAccounts.Admin.Id, DemoAccounts.Admin.Email, await mesh.LoginAsync(DemoAccounts.Admin.Email, DemoAccounts.Admin.Password));
        var owner = new Account(DemoAccounts.ShopOwner.Id, DemoAccounts.ShopOwner.Email,
            await mesh.LoginAsync(DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password));

        // The owner's product, feed and import job in the demo shop.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var product = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/products", new
        {
            shopId = SecurityMesh.SummitShop,
            categoryId = SecurityMesh.Kitchen,
            name = $"Kettle {tag}",
            description = "Seeded by the security suite",
            price = 30.00m,
            currency = "EUR",
            variants = new[] { new { sku = $"sec-{tag}-1", name = "Standard", price = 30.00m, stock = 100 } },
        }, owner.Token);
        var productId = product.GetProperty("id").GetGuid();
        var variantId = product.GetProperty("variants")[0].GetProperty("id").GetGuid();
        var feed = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/products/feeds", new
        {
            shopId = SecurityMesh.SummitShop,
            url = "https://feeds.example.com/catalog.csv",
            format = "csv",
            intervalMinutes = 1440,
            auth = new { type = "header", headerName = "X-Api-Key", token = "feed-secret-token-0001" },
        }, owner.Token);
        using var csv = new StringContent($"sku,name,price\nsec-{tag}-1,Kettle {tag},30.00\n", Encoding.UTF8, "text/csv");
        var job = await mesh.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/products/import?shopId={SecurityMesh.SummitShop}&dryRun=true", csv, owner.Token);

        // Customer A: address, card, a confirmed order of the owner's product, then a cart line for the cart attacks.
        var a = await mesh.RegisterAsync("Alice");
        var carts = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/carts", null, a.Token);
        var cartId = carts.EnumerateArray().Single().GetProperty("id").GetGuid();
        var address = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses", AddressBody("Alice Tester"), a.Token);
        var method = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/payment-methods", CardBody("4242424242424242"), a.Token);
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{cartId}/items", new { variantId, quantity = 2 }, a.Token);
        var checkout = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/orders/checkout?waitSeconds=30", new { cartId },
            a.Token, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.Equal("CONFIRMED", checkout.GetProperty("status").GetString());
        var orderId = checkout.GetProperty("id").GetGuid();
        var order = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{orderId}", null, a.Token);
        var lineId = order.GetProperty("lines")[0].GetProperty("id").GetGuid();
        var payments = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/payments?orderId={orderId}", null, a.Token);
        var paymentId = payments.GetProperty("items")[0].GetProperty("id").GetGuid();
        await Eventually.GetAsync(() => mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{cartId}", null, a.Token),
            cart => cart.GetProperty("lines").GetArrayLength() == 0, "A's cart emptied by the confirmed order", Bounded);
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{cartId}/items", new { variantId, quantity = 1 }, a.Token);
        var mails = await Eventually.GetAsync(() => mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/notifications", null, a.Token),
            page => page.GetProperty("items").GetArrayLength() > 0, "a mail of A's in notification-service", Bounded);
        var notificationId = mails.GetProperty("items")[0].GetProperty("id").GetGuid();
        var guestToken = await GuestTokenAsync(mesh);

        // Customer B with their own cart and address; a rival owner with a shop of their own (and the role).
        var b = await mesh.RegisterAsync("Bob");
        var bCarts = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/carts", null, b.Token);
        var bAddress = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses", AddressBody("Bob Tester"), b.Token);
        var rival = await mesh.RegisterAsync("Rival");
        var rivalShop = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/shops", new
        {
            name = $"Rival Goods {tag}",
            description = "A competitor",
            category = "Kitchen",
            contactEmail = rival.Email,
        }, rival.Token);
        var rivalToken = await Eventually.GetAsync(() => mesh.LoginAsync(rival.Email, SecurityMesh.Password),
            token => Roles(token).Contains("shop_owner"), "the rival's login to carry shop_owner", Bounded);

        return new World(admin, owner, SecurityMesh.SummitShop, productId, variantId, feed.GetProperty("id").GetGuid(), job.GetProperty("id").GetGuid(),
            a, cartId, address.GetProperty("id").GetGuid(), method.GetProperty("id").GetGuid(), orderId, lineId, paymentId, notificationId, guestToken,
            b, bCarts.EnumerateArray().Single().GetProperty("id").GetGuid(), bAddress.GetProperty("id").GetGuid(),
            rival with { Token = rivalToken }, rivalShop.GetProperty("id").GetGuid());
    }

    public static object AddressBody(string name) => new
    {
        label = "Home",
        recipientName = name,
        line1 = "1 Analytical Lane",
        city = "London",
        postalCode = "N1 1AA",
        country = "GB",
        phone = "+44 20 7946 0000",
    };

    public static object CardBody(string number) => new Dictionary<string, object?>
    {
        ["payment_type"] = "Card",
        ["details"] = new Dictionary<string, object?> { ["card_number"] = number, ["expiry_month"] = 12, ["expiry_year"] = DateTime.UtcNow.Year + 3, ["cvc"] = "123" },
    };

    /// <summary>The roles an access token carries (its payload read without checking it).</summary>
    public static IReadOnlyList<string> Roles(string token)
    {
        var payload = token.Split('.')[1];
        using var json = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(payload));
        var role = json.RootElement.GetProperty("role");
        return role.ValueKind == JsonValueKind.Array ? [.. role.EnumerateArray().Select(r => r.GetString()!)] : [role.GetString()!];
    }

    // The token is a header of the 201; the plain client keeps it.
    private static async Task<string> GuestTokenAsync(SecurityMesh mesh)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/carts/guest");
        using var response = await mesh.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("X-Cart-Token").Single();
    }
}
