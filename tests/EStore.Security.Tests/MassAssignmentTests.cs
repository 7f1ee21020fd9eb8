using System.Net;
using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// API3:2023 Broken Object Property Level Authorization, the writing half (mass assignment): role, owner, price and
/// status fields a client adds to a body are ignored; the server decides them.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class MassAssignmentTests(SecurityMesh mesh)
{
    [Fact]
    public async Task Roles_status_and_verification_sent_at_registration_or_in_the_profile_are_ignored()
    {
        var world = await mesh.WorldAsync();
        var eve = await mesh.RegisterAsync("Eve", new { role = "admin", roles = new[] { "admin", "shop_owner" }, emailVerified = true, status = "ACTIVE", id = world.A.Id });
        Assert.NotEqual(world.A.Id, eve.Id);
        Assert.Equal(["customer"], WorldSeeder.Roles(eve.Token));

        var profile = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, "/api/users/me", new
        {
            name = "Eve Tester",
            email = world.A.Email,
            roles = new[] { "admin" },
            role = "admin",
            status = "ACTIVE",
            id = world.A.Id,
        }, eve.Token);
        Assert.Equal((eve.Id, eve.Email), (profile.GetProperty("id").GetGuid(), profile.GetProperty("email").GetString()));
        var stored = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/users/{eve.Id}", null, world.Admin.Token);
        Assert.Equal(["customer"], stored.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(eve.Email, stored.GetProperty("email").GetString());
        var refreshed = await mesh.LoginAsync(eve.Email, SecurityMesh.Password);
        Assert.Equal(["customer"], WorldSeeder.Roles(refreshed));
        await mesh.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/users", null, refreshed);
    }

    [Fact]
    public async Task An_owner_id_in_a_new_address_cart_card_or_shop_is_ignored_and_the_resource_is_the_callers()
    {
        var world = await mesh.WorldAsync();
        var b = world.B;
        var address = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses", new
        {
            label = "Planted",
            recipientName = "Mallory",
            line1 = "2 Analytical Lane",
            city = "London",
            postalCode = "N1 1AA",
            country = "GB",
            phone = "+44 20 7946 0000",
            userId = world.A.Id,
            ownerId = world.A.Id,
        }, b.Token);
        Assert.Equal(b.Id, address.GetProperty("userId").GetGuid());
        var aAddresses = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/addresses", null, world.A.Token);
        Assert.DoesNotContain(address.GetProperty("id").GetGuid(), aAddresses.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()));

        var cart = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/carts", new { name = "Planted", userId = world.A.Id, ownerId = world.A.Id }, b.Token);
        var aCarts = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/carts", null, world.A.Token);
        Assert.DoesNotContain(cart.GetProperty("id").GetGuid(), aCarts.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()));
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{cart.GetProperty("id").GetGuid()}", null, b.Token);

        var card = WorldSeeder.CardBody("4242424242424242");
        ((Dictionary<string, object?>)card)["user_id"] = world.A.Id;
        ((Dictionary<string, object?>)card)["userId"] = world.A.Id;
        var method = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/payment-methods", card, b.Token);
        await mesh.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/payment-methods/{method.GetProperty("id").GetGuid()}", null, world.A.Token);
        await mesh.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/api/payment-methods/{method.GetProperty("id").GetGuid()}", null, b.Token);

        // (A new user opens the shop: it makes them a shop owner, and B stays a plain customer for the other tests.)
        var frank = await mesh.RegisterAsync("Frank");
        var shop = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/shops", new
        {
            name = $"Planted {Guid.NewGuid():N}"[..20],
            contactEmail = frank.Email,
            ownerId = world.A.Id,
        }, frank.Token);
        Assert.Equal(frank.Id, shop.GetProperty("ownerId").GetGuid());
        var aShops = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/shops/mine", null, world.A.Token);
        Assert.Equal(0, aShops.GetArrayLength());
    }

    [Fact]
    public async Task Prices_totals_and_statuses_sent_by_a_shopper_are_ignored_the_catalog_price_is_charged()
    {
        var world = await mesh.WorldAsync();
        var dave = await mesh.RegisterAsync("Dave");
        var address = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses", WorldSeeder.AddressBody("Dave Tester"), dave.Token);
        var method = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/payment-methods", WorldSeeder.CardBody("4242424242424242"), dave.Token);
        var carts = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/carts", null, dave.Token);
        var cartId = carts[0].GetProperty("id").GetGuid();

        var cart = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{cartId}/items", new
        {
            variantId = world.VariantId,
            quantity = 2,
            unitPrice = 0.01m,
            price = 0.01m,
            priceWhenAdded = 0.01m,
        }, dave.Token);
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal((30.00m, 30.00m), (line.GetProperty("unitPrice").GetDecimal(), line.GetProperty("priceWhenAdded").GetDecimal()));

        var checkout = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/orders/checkout?waitSeconds=30", new
        {
            cartId,
            shippingAddressId = address.GetProperty("id").GetGuid(),
            paymentMethodId = method.GetProperty("id").GetGuid(),
            total = 0.02m,
            amount = 0.02m,
            currency = "JPY",
            status = "DELIVERED",
            paymentStatus = "PAID",
            userId = world.A.Id,
            lines = new[] { new { variantId = world.VariantId, quantity = 2, unitPrice = 0.01m } },
        }, dave.Token, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.Equal((60.00m, "EUR", "CONFIRMED", dave.Id), (checkout.GetProperty("total").GetDecimal(), checkout.GetProperty("currency").GetString(),
            checkout.GetProperty("status").GetString(), checkout.GetProperty("userId").GetGuid()));
        var charge = Assert.Single(await mesh.Provider.ChargesForOrderAsync(checkout.GetProperty("id").GetGuid().ToString()));
        Assert.Equal(6000, charge.Amount);
        await mesh.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/orders/{checkout.GetProperty("id").GetGuid()}", null, world.A.Token);
    }

    [Fact]
    public async Task A_shop_owner_cannot_give_their_shop_away_or_change_its_status_through_its_profile()
    {
        var world = await mesh.WorldAsync();
        var before = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/shops/{world.RivalShopId}", null, world.Rival.Token);
        var updated = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"/api/shops/{world.RivalShopId}", new
        {
            name = before.GetProperty("name").GetString(),
            description = "Still mine",
            category = "Kitchen",
            contactEmail = world.Rival.Email,
            ownerId = world.B.Id,
            status = "SUSPENDED",
            id = world.ShopId,
        }, world.Rival.Token);
        Assert.Equal((world.RivalShopId, world.Rival.Id, before.GetProperty("status").GetString(), "Still mine"),
            (updated.GetProperty("id").GetGuid(), updated.GetProperty("ownerId").GetGuid(), updated.GetProperty("status").GetString(),
                updated.GetProperty("description").GetString()));
        var summit = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/shops/{world.ShopId}", null, null);
        Assert.NotEqual("Still mine", summit.GetProperty("description").GetString());
    }
}
