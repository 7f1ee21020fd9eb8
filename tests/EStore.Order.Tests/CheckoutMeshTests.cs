using System.Net;
using System.Text.Json;
using EStore.Contracts;
using EStore.Order.Tests.Infrastructure;

namespace EStore.Order.Tests;

/// <summary>The checkout saga through the gateway, every service a real process (see <see cref="OrderMesh"/>).</summary>
[Collection(OrderMeshCollection.Name)]
public sealed class CheckoutMeshTests(OrderMesh mesh)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    private Task<string> OwnerAsync() => mesh.LoginAsync(DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);

    [Fact]
    public async Task A_new_customer_checks_out_a_cart_from_two_shops_and_it_is_confirmed_paid_once_stocked_down_emptied_and_shipped()
    {
        var owner = await OwnerAsync();
        // A demo product of another shop, and one of the demo owner's shop in the same currency: two orders, one payment.
        var catalog = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/products?size=50&inStock=true", null, null);
        var other = catalog.GetProperty("items").EnumerateArray().First(p => p.GetProperty("shopId").GetGuid() != OrderMesh.DemoShopSummit
            && p.GetProperty("variants").EnumerateArray().Any(v => v.GetProperty("stock").GetInt32() >= 5));
        var currency = other.GetProperty("currency").GetString()!;
        var otherVariant = other.GetProperty("variants").EnumerateArray().First(v => v.GetProperty("stock").GetInt32() >= 5);
        var variant = await mesh.NewVariantAsync(owner, stock: 10, price: 24.50m, currency);
        var shopper = await mesh.RegisterAsync();
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{shopper.CartId}/items", new { variantId = variant, quantity = 3 }, shopper.Token);
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{shopper.CartId}/items",
            new { variantId = otherVariant.GetProperty("id").GetGuid(), quantity = 1 }, shopper.Token);

        // Address and card are the defaults; the answer waits for the outcome.
        var checkout = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/orders/checkout?waitSeconds=30",
            new { cartId = shopper.CartId }, shopper.Token, Guid.NewGuid().ToString());

        var id = checkout.GetProperty("id").GetGuid();
        Assert.Equal(("CONFIRMED", "PAID"), (OrderMesh.Status(checkout), checkout.GetProperty("paymentStatus").GetString()));
        var total = 3 * 24.50m + otherVariant.GetProperty("price").GetDecimal();
        Assert.Equal(total, checkout.GetProperty("total").GetDecimal());
        var orders = checkout.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal(id, o.GetProperty("checkoutId").GetGuid()));
        Assert.Equal("1 Analytical Lane", checkout.GetProperty("shippingAddress").GetProperty("line1").GetString());

        // Stock committed, cart emptied, the card charged exactly once for the whole checkout.
        await Eventually.GetAsync(() => mesh.VariantAsync(variant), v => v.GetProperty("available").GetInt32() == 7, "7 units left", Bounded);
        await Eventually.GetAsync(() => mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{shopper.CartId}", null, shopper.Token),
            cart => cart.GetProperty("lines").GetArrayLength() == 0, "the cart emptied", Bounded);
        var charge = Assert.Single(await mesh.Provider.ChargesForOrderAsync(id.ToString()));
        Assert.Equal(((long)(total * 100), "succeeded"), (charge.Amount, charge.Status));

        // The shop owner sees their shop's order only (its lines only), ships and delivers it; the customer follows it.
        var mine = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders/shop?status=CONFIRMED&size=100", null, owner);
        var shopOrder = Assert.Single(mine.GetProperty("items").EnumerateArray(), o => o.GetProperty("checkoutId").GetGuid() == id);
        Assert.Equal(OrderMesh.DemoShopSummit, shopOrder.GetProperty("shopId").GetGuid());
        Assert.Equal(variant, Assert.Single(shopOrder.GetProperty("lines").EnumerateArray()).GetProperty("variantId").GetGuid());
        var orderId = shopOrder.GetProperty("id").GetGuid();
        var shipped = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/orders/{orderId}/ship", new { carrier = "DHL", trackingNumber = "JD0001" }, owner);
        Assert.Equal(("SHIPPED", "SHIPPED", "JD0001"), (OrderMesh.Status(shipped), shipped.GetProperty("fulfilmentStatus").GetString(), shipped.GetProperty("trackingNumber").GetString()));
        await mesh.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/orders/{orderId}/ship", new { carrier = "DHL", trackingNumber = "JD0002" }, owner);
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/orders/{orderId}/deliver", null, owner);

        var seen = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{orderId}", null, shopper.Token);
        Assert.Equal("DELIVERED", OrderMesh.Status(seen));
        Assert.Equal(["created", "stock_reserved", "confirmed", "shipped", "delivered"],
            seen.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("what").GetString()));
        var list = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders", null, shopper.Token);
        Assert.Equal(2, list.GetProperty("total").GetInt32());

        // The gateway's composed answer: the shop's order, the checkout's one payment, its product's current name.
        var composed = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/aggregate/orders/{orderId}", null, shopper.Token);
        Assert.Empty(composed.GetProperty("missing").EnumerateArray());
        Assert.Equal(orderId, composed.GetProperty("order").GetProperty("id").GetGuid());
        var payment = Assert.Single(composed.GetProperty("payments").GetProperty("items").EnumerateArray());
        Assert.Equal((id, total), (payment.GetProperty("orderId").GetGuid(), payment.GetProperty("amountCaptured").GetDecimal()));
        var line = Assert.Single(seen.GetProperty("lines").EnumerateArray());
        var product = Assert.Single(composed.GetProperty("products").EnumerateArray());
        Assert.Equal((line.GetProperty("productId").GetGuid(), line.GetProperty("productName").GetString()),
            (product.GetProperty("id").GetGuid(), product.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_declined_card_cancels_the_checkout_with_the_reason_puts_the_stock_back_and_leaves_the_cart_intact()
    {
        var owner = await OwnerAsync();
        var variant = await mesh.NewVariantAsync(owner, stock: 5, price: 10m, "EUR");
        var shopper = await mesh.RegisterAsync(card: "4000000000000002");
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{shopper.CartId}/items", new { variantId = variant, quantity = 2 }, shopper.Token);

        var checkout = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/orders/checkout?waitSeconds=30",
            new { cartId = shopper.CartId, shippingAddressId = shopper.AddressId, paymentMethodId = shopper.PaymentMethodId }, shopper.Token, Guid.NewGuid().ToString());

        Assert.Equal(("CANCELLED", "FAILED"), (OrderMesh.Status(checkout), checkout.GetProperty("paymentStatus").GetString()));
        Assert.StartsWith("payment failed: ", checkout.GetProperty("cancelReason").GetString(), StringComparison.Ordinal);
        await Eventually.GetAsync(() => mesh.VariantAsync(variant), v => v.GetProperty("available").GetInt32() == 5, "the 2 units released", Bounded);
        var cart = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{shopper.CartId}", null, shopper.Token);
        Assert.Equal(2, Assert.Single(cart.GetProperty("lines").EnumerateArray()).GetProperty("quantity").GetInt32());
        Assert.DoesNotContain(await mesh.Provider.ChargesForOrderAsync(checkout.GetProperty("id").GetString()!), c => c.Status == "succeeded");
    }

    [Fact]
    public async Task Out_of_stock_is_refused_at_once_with_the_line_and_the_last_unit_is_sold_once_without_charging_the_loser()
    {
        var owner = await OwnerAsync();
        var variant = await mesh.NewVariantAsync(owner, stock: 1, price: 99m, "EUR");
        var first = await mesh.RegisterAsync();
        var second = await mesh.RegisterAsync();

        var refused = await mesh.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, "/api/orders", new { variantId = variant, quantity = 2 }, first.Token, Guid.NewGuid().ToString());
        var line = Assert.Single(refused.GetProperty("lines").EnumerateArray());
        Assert.Equal((variant, "insufficient_stock", 1), (line.GetProperty("variantId").GetGuid(), line.GetProperty("reason").GetString(), line.GetProperty("available").GetInt32()));

        // Both see the unit available; product-service reserves it for one of them.
        var answers = await Task.WhenAll(new[] { first, second }.Select(s =>
            mesh.SendAsync(HttpMethod.Post, "/api/orders?waitSeconds=30", new { variantId = variant, quantity = 1 }, s.Token, Guid.NewGuid().ToString())));

        var placed = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Body).ToList();
        Assert.Single(placed, p => OrderMesh.Status(p) == "CONFIRMED");
        foreach (var lost in answers.Where(a => a.Status != HttpStatusCode.OK || OrderMesh.Status(a.Body) != "CONFIRMED"))
        {
            if (lost.Status == HttpStatusCode.Conflict)
            {
                Assert.Equal("out_of_stock", lost.Body.GetProperty("lines")[0].GetProperty("reason").GetString());
                continue;
            }
            Assert.True(lost.Status == HttpStatusCode.OK && OrderMesh.Status(lost.Body) == "CANCELLED", lost.Body.ToString());
            Assert.StartsWith("stock could not be reserved", lost.Body.GetProperty("cancelReason").GetString(), StringComparison.Ordinal);
            Assert.Empty(await mesh.Provider.ChargesForOrderAsync(lost.Body.GetProperty("id").GetString()!));
        }
        await Eventually.GetAsync(() => mesh.VariantAsync(variant), v => v.GetProperty("available").GetInt32() == 0, "the unit sold", Bounded);
    }

    [Fact]
    public async Task The_same_idempotency_key_sent_twice_at_once_makes_one_checkout_and_another_body_under_it_is_422()
    {
        var owner = await OwnerAsync();
        var variant = await mesh.NewVariantAsync(owner, stock: 10, price: 5m, "EUR");
        var shopper = await mesh.RegisterAsync();
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{shopper.CartId}/items", new { variantId = variant, quantity = 1 }, shopper.Token);
        var key = Guid.NewGuid().ToString();
        var body = new { cartId = shopper.CartId };

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => mesh.SendAsync(HttpMethod.Post, "/api/orders/checkout", body, shopper.Token, key)));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted, a.Body.ToString()));
        Assert.Equal(answers[0].Body.GetProperty("id").GetGuid(), answers[1].Body.GetProperty("id").GetGuid());
        var again = await mesh.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/orders/checkout", body, shopper.Token, key);
        Assert.Equal(answers[0].Body.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        await mesh.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, "/api/orders/checkout",
            new { cartId = shopper.CartId, paymentMethodId = shopper.PaymentMethodId }, shopper.Token, key);
        var missing = await mesh.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/orders/checkout", body, shopper.Token);
        Assert.Contains("Idempotency-Key", missing.GetProperty("message").GetString(), StringComparison.Ordinal);

        var id = answers[0].Body.GetProperty("id").GetGuid();
        await mesh.CheckoutWhenAsync(id, shopper.Token, c => OrderMesh.Status(c) == "CONFIRMED", "the checkout CONFIRMED");
        var list = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders", null, shopper.Token);
        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Single(await mesh.Provider.ChargesForOrderAsync(id.ToString()));
    }

    [Fact]
    public async Task Another_customers_order_cart_address_and_card_answer_404_and_only_admins_see_every_order()
    {
        var owner = await OwnerAsync();
        var variant = await mesh.NewVariantAsync(owner, stock: 10, price: 7m, "EUR");
        var alice = await mesh.RegisterAsync();
        var mallory = await mesh.RegisterAsync();
        var placed = await mesh.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/orders", new { variantId = variant, quantity = 1 }, alice.Token, Guid.NewGuid().ToString());
        var id = placed.GetProperty("id").GetGuid();

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, $"/api/orders/{id}", null),
            (HttpMethod.Get, $"/api/orders/checkouts/{id}", null),
            (HttpMethod.Post, $"/api/orders/{id}/ship", new { carrier = "DHL", trackingNumber = "X1" }),
            (HttpMethod.Post, $"/api/orders/{id}/deliver", null),
            (HttpMethod.Get, $"/api/orders/{Guid.NewGuid()}", null),
            // The gateway's composed answer asks order-service with the caller's token: the same 404.
            (HttpMethod.Get, $"/api/aggregate/orders/{id}", null),
        })
        {
            var (status, problem) = await mesh.SendAsync(method, path, body, mallory.Token);
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {path}: {(int)status} {problem}");
        }
        // Alice cannot ship her own order either: only the shop's owner fulfils it.
        await mesh.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/orders/{id}/deliver", null, alice.Token);
        var malloryList = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders", null, mallory.Token);
        Assert.Equal(0, malloryList.GetProperty("total").GetInt32());

        // Someone else's cart, address or card is 404 at checkout, as the owning services answer it.
        foreach (var body in new object[]
        {
            new { cartId = alice.CartId },
            new { cartId = mallory.CartId, shippingAddressId = alice.AddressId },
            new { cartId = mallory.CartId, paymentMethodId = alice.PaymentMethodId },
        })
        {
            await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{mallory.CartId}/items", new { variantId = variant, quantity = 1 }, mallory.Token);
            var (status, problem) = await mesh.SendAsync(HttpMethod.Post, "/api/orders/checkout", body, mallory.Token, Guid.NewGuid().ToString());
            Assert.True(status == HttpStatusCode.NotFound, $"{JsonSerializer.Serialize(body)}: {(int)status} {problem}");
        }

        await mesh.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/orders/admin", null, mallory.Token);
        var admin = await mesh.LoginAsync(DemoAccounts.Admin.Email, DemoAccounts.Admin.Password);
        var all = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/admin?userId={await UserIdAsync(alice)}", null, admin);
        Assert.Equal(id, Assert.Single(all.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        // The demo owner's shop sold it: they see it; the admin sees it too.
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{id}", null, owner);
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{id}", null, admin);
    }

    private async Task<Guid> UserIdAsync(Shopper shopper) =>
        (await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/users/me", null, shopper.Token)).GetProperty("id").GetGuid();
}
