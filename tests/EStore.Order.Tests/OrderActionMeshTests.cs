using System.Net;
using EStore.Contracts;
using EStore.Order.Tests.Infrastructure;

namespace EStore.Order.Tests;

/// <summary>A customer's cancel through the gateway, every service a real process: refunded at the provider, the units back in stock, and another customer gets 404.</summary>
[Collection(OrderMeshCollection.Name)]
public sealed class OrderActionMeshTests(OrderMesh mesh)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_customer_cancels_a_confirmed_order_through_the_gateway_and_the_card_is_refunded_in_full_and_the_units_are_back()
    {
        var owner = await mesh.LoginAsync(DemoAccounts.ShopOwner.Email, DemoAccounts.ShopOwner.Password);
        var variant = await mesh.NewVariantAsync(owner, stock: 5, price: 19.90m, "EUR");
        var shopper = await mesh.RegisterAsync();
        var stranger = await mesh.RegisterAsync();
        var checkout = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/orders?waitSeconds=30",
            new { variantId = variant, quantity = 2 }, shopper.Token, Guid.NewGuid().ToString());
        Assert.Equal("CONFIRMED", OrderMesh.Status(checkout));
        var checkoutId = checkout.GetProperty("id").GetGuid();
        var id = Assert.Single(checkout.GetProperty("orders").EnumerateArray()).GetProperty("id").GetGuid();
        await Eventually.GetAsync(() => mesh.VariantAsync(variant), v => v.GetProperty("available").GetInt32() == 3, "3 units left after the sale", Bounded);

        await mesh.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/orders/{id}/cancel", new { reason = "not mine" }, stranger.Token);
        var cancelled = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/orders/{id}/cancel", new { reason = "ordered twice" }, shopper.Token);

        Assert.Equal(("CANCELLED", "ordered twice", "CUSTOMER"), (OrderMesh.Status(cancelled), cancelled.GetProperty("cancelReason").GetString(),
            cancelled.GetProperty("cancelledBy").GetString()));
        var refunded = await Eventually.GetAsync(async () => Assert.Single(await mesh.Provider.ChargesForOrderAsync(checkoutId.ToString())),
            c => c.AmountRefunded == c.Amount, "the charge refunded in full at the provider", Bounded);
        Assert.Equal(3980, refunded.Amount);
        await Eventually.GetAsync(() => mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{id}", null, shopper.Token),
            o => o.GetProperty("paymentStatus").GetString() == "REFUNDED", "the order's payment REFUNDED", Bounded);
        await Eventually.GetAsync(() => mesh.VariantAsync(variant), v => v.GetProperty("available").GetInt32() == 5, "the 2 units back in stock", Bounded);
    }
}
