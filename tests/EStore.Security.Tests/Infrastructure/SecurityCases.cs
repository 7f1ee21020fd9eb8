using System.Net;

namespace EStore.Security.Tests.Infrastructure;

/// <summary>Who may call an operation, and so how it is attacked.</summary>
public enum Access
{
    /// <summary>Anyone, no token (public reads, sign-in flows, the provider's signed webhook).</summary>
    Public,

    /// <summary>Any signed-in user, on their own data only; no id of someone else's resource in the path.</summary>
    Self,

    /// <summary>A customer's resource named by the path or body: another customer gets 404.</summary>
    Owned,

    /// <summary>A shop owner's resource: a plain customer gets <see cref="SecurityCase.CustomerStatus"/>, another shop owner 404.</summary>
    OwnerOwned,

    /// <summary>Admins only: anyone else gets 403.</summary>
    Admin,

    /// <summary>A guest cart, reached only by its <c>X-Cart-Token</c>: a made-up token gets 404.</summary>
    Guest,
}

/// <summary>
/// One operation of the mesh (<c>METHOD /path/template</c> exactly as the OpenAPI documents name it), how it is
/// attacked, and a request against the victim's real resource that would succeed for its owner.
/// </summary>
public sealed record SecurityCase(
    string Key,
    Access Access,
    Func<World, string> Path,
    Func<World, object?>? Body = null,
    HttpStatusCode CustomerStatus = HttpStatusCode.Forbidden,
    Func<World, Dictionary<string, string>>? Headers = null)
{
    public HttpMethod Method => new(Key[..Key.IndexOf(' ', StringComparison.Ordinal)]);

    public string Template => Key[(Key.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    public override string ToString() => Key;
}

/// <summary>
/// Every operation of every service's OpenAPI document, plus the gateway's own composed answers. A new endpoint
/// without a case here fails <see cref="CatalogTests"/>: it must be classified (and so attacked) before it ships.
/// </summary>
public static class SecurityCases
{
    /// <summary>The gateway's own operations (not in any service's document); reached through the gateway only.</summary>
    public static readonly IReadOnlySet<string> GatewayOwn = new HashSet<string>(StringComparer.Ordinal)
    {
        "GET /api/aggregate/checkout",
        "GET /api/aggregate/orders/{id}",
    };

    private static Dictionary<string, string> Key() => new() { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

    private static Dictionary<string, string> MadeUpGuestToken() => new() { ["X-Cart-Token"] = "guest-" + Guid.NewGuid().ToString("N") };

    public static readonly IReadOnlyList<SecurityCase> All =
    [
        // identity-service
        new("POST /api/auth/register", Access.Public, _ => "/api/auth/register"),
        new("POST /api/auth/verify-email", Access.Public, _ => "/api/auth/verify-email"),
        new("POST /api/auth/resend-verification", Access.Public, _ => "/api/auth/resend-verification"),
        new("POST /api/auth/login", Access.Public, _ => "/api/auth/login"),
        new("POST /api/auth/refresh", Access.Public, _ => "/api/auth/refresh"),
        new("POST /api/auth/forgot-password", Access.Public, _ => "/api/auth/forgot-password"),
        new("POST /api/auth/reset-password", Access.Public, _ => "/api/auth/reset-password"),
        new("POST /api/auth/logout", Access.Self, _ => "/api/auth/logout"),
        new("POST /api/auth/logout-all", Access.Self, _ => "/api/auth/logout-all"),
        new("POST /api/auth/keys/rotate", Access.Admin, _ => "/api/auth/keys/rotate"),
        new("GET /api/users/me", Access.Self, _ => "/api/users/me"),
        new("PUT /api/users/me", Access.Self, _ => "/api/users/me"),
        new("DELETE /api/users/me", Access.Self, _ => "/api/users/me"),
        new("POST /api/users/me/change-password", Access.Self, _ => "/api/users/me/change-password"),
        new("GET /api/users", Access.Admin, _ => "/api/users"),
        new("GET /api/users/{id}", Access.Admin, w => $"/api/users/{w.A.Id}"),
        new("PUT /api/users/{id}/roles", Access.Admin, w => $"/api/users/{w.A.Id}/roles", _ => new { roles = new[] { "customer", "admin" } }),
        new("POST /api/users/{id}/disable", Access.Admin, w => $"/api/users/{w.A.Id}/disable", _ => new { reason = "attack" }),
        new("POST /api/users/{id}/enable", Access.Admin, w => $"/api/users/{w.A.Id}/enable"),
        new("GET /.well-known/jwks.json", Access.Public, _ => "/.well-known/jwks.json"),
        new("GET /.well-known/openid-configuration", Access.Public, _ => "/.well-known/openid-configuration"),

        // product-service
        new("GET /api/products", Access.Public, _ => "/api/products"),
        new("GET /api/products/variants", Access.Public, w => $"/api/products/variants?ids={w.VariantId}"),
        new("GET /api/products/{id}", Access.Public, w => $"/api/products/{w.ProductId}"),
        new("POST /api/products", Access.OwnerOwned, _ => "/api/products", w => new
        {
            shopId = w.ShopId,
            categoryId = SecurityMesh.Kitchen,
            name = "Planted product",
            price = 1.00m,
            currency = "EUR",
            variants = new[] { new { sku = $"plant-{Guid.NewGuid():N}"[..20], name = "Standard", price = 1.00m, stock = 1 } },
        }),
        new("PUT /api/products/{id}", Access.OwnerOwned, w => $"/api/products/{w.ProductId}", w => new
        {
            shopId = w.ShopId,
            categoryId = SecurityMesh.Kitchen,
            name = "Defaced",
            price = 0.01m,
            currency = "EUR",
        }),
        new("DELETE /api/products/{id}", Access.OwnerOwned, w => $"/api/products/{w.ProductId}"),
        new("POST /api/products/{id}/variants", Access.OwnerOwned, w => $"/api/products/{w.ProductId}/variants",
            _ => new { sku = $"plant-{Guid.NewGuid():N}"[..20], name = "Planted", price = 0.01m, stock = 5 }),
        new("POST /api/products/import", Access.OwnerOwned, w => $"/api/products/import?shopId={w.ShopId}&dryRun=true",
            _ => new[] { new { sku = "plant-1", name = "Planted", price = "0.01" } }),
        new("GET /api/products/imports/{id}", Access.OwnerOwned, w => $"/api/products/imports/{w.ImportJobId}"),
        new("POST /api/products/feeds", Access.OwnerOwned, _ => "/api/products/feeds",
            w => new { shopId = w.ShopId, url = "https://attacker.example.com/feed.csv", format = "csv", intervalMinutes = 60 }),
        new("GET /api/products/feeds", Access.OwnerOwned, w => $"/api/products/feeds?shopId={w.ShopId}"),
        new("GET /api/products/feeds/{id}", Access.OwnerOwned, w => $"/api/products/feeds/{w.FeedId}"),
        new("POST /api/products/feeds/{id}/run", Access.OwnerOwned, w => $"/api/products/feeds/{w.FeedId}/run"),
        new("DELETE /api/products/feeds/{id}", Access.OwnerOwned, w => $"/api/products/feeds/{w.FeedId}"),
        new("GET /api/categories", Access.Public, _ => "/api/categories"),
        new("POST /api/categories", Access.Admin, _ => "/api/categories", _ => new { name = "Planted category" }),
        new("PUT /api/categories/{id}", Access.Admin, _ => $"/api/categories/{SecurityMesh.Kitchen}", _ => new { name = "Defaced" }),
        new("DELETE /api/categories/{id}", Access.Admin, _ => $"/api/categories/{SecurityMesh.Kitchen}"),
        new("PUT /api/inventory/{variantId}", Access.OwnerOwned, w => $"/api/inventory/{w.VariantId}", _ => new { stock = 0, reason = "attack" }),
        new("POST /api/inventory/{variantId}/adjust", Access.OwnerOwned, w => $"/api/inventory/{w.VariantId}/adjust", _ => new { delta = -50, reason = "attack" }),
        new("GET /api/inventory/report", Access.OwnerOwned, w => $"/api/inventory/report?shopId={w.ShopId}"),
        new("GET /api/inventory/summary", Access.OwnerOwned, w => $"/api/inventory/summary?shopId={w.ShopId}"),

        // cart-service
        new("GET /api/carts", Access.Self, _ => "/api/carts"),
        new("POST /api/carts", Access.Self, _ => "/api/carts"),
        new("POST /api/carts/merge", Access.Self, _ => "/api/carts/merge"),
        new("GET /api/carts/{id}", Access.Owned, w => $"/api/carts/{w.CartId}"),
        new("PUT /api/carts/{id}", Access.Owned, w => $"/api/carts/{w.CartId}", _ => new { name = "Defaced" }),
        new("DELETE /api/carts/{id}", Access.Owned, w => $"/api/carts/{w.CartId}"),
        new("POST /api/carts/{id}/items", Access.Owned, w => $"/api/carts/{w.CartId}/items", w => new { variantId = w.VariantId, quantity = 5 }),
        new("PUT /api/carts/{id}/items/{variantId}", Access.Owned, w => $"/api/carts/{w.CartId}/items/{w.VariantId}", _ => new { quantity = 9 }),
        new("DELETE /api/carts/{id}/items/{variantId}", Access.Owned, w => $"/api/carts/{w.CartId}/items/{w.VariantId}"),
        new("DELETE /api/carts/{id}/items", Access.Owned, w => $"/api/carts/{w.CartId}/items"),
        new("POST /api/carts/guest", Access.Public, _ => "/api/carts/guest"),
        new("GET /api/carts/guest", Access.Guest, _ => "/api/carts/guest", Headers: _ => MadeUpGuestToken()),
        new("POST /api/carts/guest/items", Access.Guest, _ => "/api/carts/guest/items", w => new { variantId = w.VariantId, quantity = 1 }, Headers: _ => MadeUpGuestToken()),
        new("PUT /api/carts/guest/items/{variantId}", Access.Guest, w => $"/api/carts/guest/items/{w.VariantId}", _ => new { quantity = 2 }, Headers: _ => MadeUpGuestToken()),
        new("DELETE /api/carts/guest/items/{variantId}", Access.Guest, w => $"/api/carts/guest/items/{w.VariantId}", Headers: _ => MadeUpGuestToken()),
        new("DELETE /api/carts/guest/items", Access.Guest, _ => "/api/carts/guest/items", Headers: _ => MadeUpGuestToken()),

        // address-service
        new("GET /api/addresses", Access.Self, _ => "/api/addresses"),
        new("POST /api/addresses", Access.Self, _ => "/api/addresses"),
        new("GET /api/addresses/{id}", Access.Owned, w => $"/api/addresses/{w.AddressId}"),
        new("PUT /api/addresses/{id}", Access.Owned, w => $"/api/addresses/{w.AddressId}", _ => WorldSeeder.AddressBody("Mallory")),
        new("DELETE /api/addresses/{id}", Access.Owned, w => $"/api/addresses/{w.AddressId}"),
        new("PUT /api/addresses/{id}/default-shipping", Access.Owned, w => $"/api/addresses/{w.AddressId}/default-shipping"),
        new("PUT /api/addresses/{id}/default-billing", Access.Owned, w => $"/api/addresses/{w.AddressId}/default-billing"),

        // payment-service
        new("GET /api/payment-methods", Access.Self, _ => "/api/payment-methods"),
        new("POST /api/payment-methods", Access.Self, _ => "/api/payment-methods"),
        new("GET /api/payment-methods/{id}", Access.Owned, w => $"/api/payment-methods/{w.PaymentMethodId}"),
        new("DELETE /api/payment-methods/{id}", Access.Owned, w => $"/api/payment-methods/{w.PaymentMethodId}"),
        new("PUT /api/payment-methods/{id}/default", Access.Owned, w => $"/api/payment-methods/{w.PaymentMethodId}/default"),
        new("GET /api/payments", Access.Self, _ => "/api/payments"),
        new("POST /api/payments/{id}/refunds", Access.OwnerOwned, w => $"/api/payments/{w.PaymentId}/refunds",
            _ => new { amount = 1.00m, reason = "attack" }, HttpStatusCode.NotFound, _ => Key()),
        new("POST /api/payments/webhooks/provider", Access.Public, _ => "/api/payments/webhooks/provider"),

        // order-service
        new("POST /api/orders/checkout", Access.Owned, _ => "/api/orders/checkout", w => new { cartId = w.CartId }, Headers: _ => Key()),
        new("POST /api/orders", Access.Owned, _ => "/api/orders",
            w => new { variantId = w.VariantId, quantity = 1, shippingAddressId = w.AddressId, paymentMethodId = w.PaymentMethodId }, Headers: _ => Key()),
        new("GET /api/orders/checkouts/{id}", Access.Owned, w => $"/api/orders/checkouts/{w.OrderId}"),
        new("GET /api/orders", Access.Self, _ => "/api/orders"),
        new("GET /api/orders/{id}", Access.Owned, w => $"/api/orders/{w.OrderId}"),
        new("POST /api/orders/{id}/cancel", Access.Owned, w => $"/api/orders/{w.OrderId}/cancel", _ => new { reason = "attack" }),
        new("POST /api/orders/{id}/lines/{lineId}/cancel", Access.Owned, w => $"/api/orders/{w.OrderId}/lines/{w.OrderLineId}/cancel", _ => new { reason = "attack" }),
        new("PUT /api/orders/{id}/shipping-address", Access.Owned, w => $"/api/orders/{w.OrderId}/shipping-address", w => new { addressId = w.BAddressId }),
        new("POST /api/orders/{id}/reorder", Access.Owned, w => $"/api/orders/{w.OrderId}/reorder", w => new { cartId = w.BCartId }),
        new("GET /api/orders/shop", Access.OwnerOwned, w => $"/api/orders/shop?shopId={w.ShopId}", CustomerStatus: HttpStatusCode.NotFound),
        new("POST /api/orders/{id}/ship", Access.OwnerOwned, w => $"/api/orders/{w.OrderId}/ship", _ => new { carrier = "DHL", trackingNumber = "ATTACK1" }, HttpStatusCode.NotFound),
        new("POST /api/orders/{id}/deliver", Access.OwnerOwned, w => $"/api/orders/{w.OrderId}/deliver", CustomerStatus: HttpStatusCode.NotFound),
        new("GET /api/orders/shop/export", Access.OwnerOwned, w => $"/api/orders/shop/export?shopId={w.ShopId}", CustomerStatus: HttpStatusCode.NotFound),
        new("GET /api/orders/admin", Access.Admin, _ => "/api/orders/admin"),
        new("GET /api/orders/admin/export", Access.Admin, _ => "/api/orders/admin/export"),
        new("GET /api/orders/admin/summary", Access.Admin, _ => "/api/orders/admin/summary"),

        // shop-service
        new("GET /api/shops", Access.Public, _ => "/api/shops"),
        new("GET /api/shops/mine", Access.Self, _ => "/api/shops/mine"),
        new("GET /api/shops/{id}", Access.Public, w => $"/api/shops/{w.ShopId}"),
        new("POST /api/shops", Access.Self, _ => "/api/shops"),
        new("GET /api/shops/{id}/summary", Access.OwnerOwned, w => $"/api/shops/{w.ShopId}/summary", CustomerStatus: HttpStatusCode.NotFound),
        new("PUT /api/shops/{id}", Access.OwnerOwned, w => $"/api/shops/{w.ShopId}",
            w => new { name = "Defaced Outfitters", description = "Owned", category = "Outdoor", contactEmail = w.B.Email }, HttpStatusCode.NotFound),
        new("POST /api/shops/{id}/approve", Access.Admin, w => $"/api/shops/{w.RivalShopId}/approve"),
        new("POST /api/shops/{id}/suspend", Access.Admin, w => $"/api/shops/{w.ShopId}/suspend", _ => new { reason = "attack" }),
        new("POST /api/shops/{id}/reactivate", Access.Admin, w => $"/api/shops/{w.ShopId}/reactivate"),

        // notification-service
        new("GET /api/notifications", Access.Self, _ => "/api/notifications"),
        new("GET /api/notifications/preferences", Access.Self, _ => "/api/notifications/preferences"),
        new("PUT /api/notifications/preferences", Access.Self, _ => "/api/notifications/preferences"),
        new("GET /api/notifications/all", Access.Admin, _ => "/api/notifications/all"),
        new("POST /api/notifications/{id}/resend", Access.Admin, w => $"/api/notifications/{w.NotificationId}/resend"),

        // the gateway's composed answers
        new("GET /api/aggregate/checkout", Access.Self, _ => "/api/aggregate/checkout"),
        new("GET /api/aggregate/orders/{id}", Access.Owned, w => $"/api/aggregate/orders/{w.OrderId}"),
    ];

    public static readonly IReadOnlyDictionary<string, SecurityCase> ByKey = All.ToDictionary(c => c.Key, StringComparer.Ordinal);
}
