using System.Net;
using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// API1:2023 Broken Object Level Authorization. Every operation that names a resource (in its path, body or query) is
/// sent with the victim's real id by another user, through the gateway and straight to the owning service: 404, exactly
/// like a missing resource, and the victim's data is unchanged afterwards.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class ObjectLevelAuthorizationTests(SecurityMesh mesh)
{
    [Fact]
    public async Task Another_users_resource_is_404_on_every_id_bearing_operation_at_the_gateway_and_at_each_service()
    {
        var attacks = await Attacks.StartAsync(mesh);
        var world = attacks.World;
        foreach (var @case in SecurityCases.All)
        {
            switch (@case.Access)
            {
                case Access.Owned:
                    await attacks.ExpectAsync(@case, world.B.Token, "another customer", HttpStatusCode.NotFound);
                    break;
                case Access.OwnerOwned:
                    await attacks.ExpectAsync(@case, world.Rival.Token, "another shop owner", HttpStatusCode.NotFound);
                    break;
                case Access.Guest:
                    await attacks.ExpectAsync(@case, null, "anyone with a made-up cart token", HttpStatusCode.NotFound);
                    break;
            }
        }
        attacks.AssertNoFailures();

        // Nothing of the victims changed.
        var a = world.A.Token;
        var cart = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{world.CartId}", null, a);
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal((world.VariantId, 1), (line.GetProperty("variantId").GetGuid(), line.GetProperty("quantity").GetInt32()));
        Assert.NotEqual("Defaced", cart.GetProperty("name").GetString());
        var address = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/addresses/{world.AddressId}", null, a);
        Assert.Equal("Alice Tester", address.GetProperty("recipientName").GetString());
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/payment-methods/{world.PaymentMethodId}", null, a);
        var order = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/orders/{world.OrderId}", null, a);
        Assert.Equal("CONFIRMED", order.GetProperty("status").GetString());
        Assert.Equal("Alice Tester", order.GetProperty("shippingAddress").GetProperty("recipient").GetString());
        var product = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/products/{world.ProductId}", null, null);
        Assert.StartsWith("Kettle", product.GetProperty("name").GetString());
        Assert.Single(product.GetProperty("variants").EnumerateArray());
        await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/products/feeds/{world.FeedId}", null, world.Owner.Token);
        var shop = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/shops/{world.ShopId}", null, null);
        Assert.Equal("Summit Outfitters", shop.GetProperty("name").GetString());
        var bOrders = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders", null, world.B.Token);
        Assert.Equal(0, bOrders.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_victims_id_in_any_query_parameter_answers_a_refusal_or_nothing_of_the_victims()
    {
        var attacks = await Attacks.StartAsync(mesh);
        var world = attacks.World;
        var secrets = world.VictimIds.Select(id => id.ToString()).Append(world.A.Email).ToList();
        var tried = 0;
        foreach (var operation in attacks.Catalog.Where(o => o.QueryParameters.Any(IsId)))
        {
            var @case = SecurityCases.ByKey[operation.Key];
            foreach (var parameter in operation.QueryParameters.Where(IsId))
            {
                var path = $"{@case.Path(world).Split('?')[0]}?{parameter}={VictimOf(parameter, world)}";
                foreach (var (caller, token) in (IEnumerable<(string, string)>)[("another customer", world.B.Token), ("another shop owner", world.Rival.Token)])
                {
                    foreach (var (where, baseUrl) in attacks.Targets(@case))
                    {
                        tried++;
                        var answer = await attacks.SendAsync(@case, token, baseUrl, path);
                        var code = (int)answer.Status;
                        if (code >= 500 || (code < 400 && secrets.Any(s => answer.Text.Contains(s, StringComparison.OrdinalIgnoreCase))))
                        {
                            attacks.Fail($"{operation.Method} {path} as {caller} at {where}: {answer}");
                        }
                    }
                }
            }
        }
        Assert.True(tried > 0, "no operation takes an id in its query");
        attacks.AssertNoFailures();
    }

    [Fact]
    public async Task An_order_cannot_be_sent_to_another_customers_address_nor_reordered_into_their_cart()
    {
        var world = await mesh.WorldAsync();
        var carol = await mesh.RegisterAsync("Carol");
        var card = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/payment-methods", WorldSeeder.CardBody("4242424242424242"), carol.Token);
        var own = await mesh.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses", WorldSeeder.AddressBody("Carol Tester"), carol.Token);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        // Buying with A's address or A's card: 404, and no order is made.
        var withAddress = await mesh.SendAsync(HttpMethod.Post, "/api/orders", new { variantId = world.VariantId, quantity = 1, shippingAddressId = world.AddressId, paymentMethodId = card.GetProperty("id").GetGuid() }, carol.Token, key);
        Assert.True(withAddress.Status == HttpStatusCode.NotFound, withAddress.ToString());
        var withCard = await mesh.SendAsync(HttpMethod.Post, "/api/orders", new { variantId = world.VariantId, quantity = 1, shippingAddressId = own.GetProperty("id").GetGuid(), paymentMethodId = world.PaymentMethodId },
            carol.Token, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.True(withCard.Status == HttpStatusCode.NotFound, withCard.ToString());
        var orders = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/orders", null, carol.Token);
        Assert.Equal(0, orders.GetProperty("total").GetInt32());

        // A's own order cannot be moved to Carol's address, nor re-ordered into B's cart, by A (the address is Carol's, the cart B's).
        var moved = await mesh.SendAsync(HttpMethod.Put, $"/api/orders/{world.OrderId}/shipping-address", new { addressId = own.GetProperty("id").GetGuid() }, world.A.Token);
        Assert.True(moved.Status == HttpStatusCode.NotFound, moved.ToString());
        var reordered = await mesh.SendAsync(HttpMethod.Post, $"/api/orders/{world.OrderId}/reorder", new { cartId = world.BCartId }, world.A.Token);
        Assert.True(reordered.Status == HttpStatusCode.NotFound, reordered.ToString());
        var bCart = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{world.BCartId}", null, world.B.Token);
        Assert.Equal(0, bCart.GetProperty("lines").GetArrayLength());
    }

    private static bool IsId(string parameter) => parameter.EndsWith("Id", StringComparison.Ordinal) || parameter == "ids";

    private static string VictimOf(string parameter, World world) => parameter switch
    {
        "userId" => world.A.Id.ToString(),
        "orderId" => world.OrderId.ToString(),
        "shopId" => world.ShopId.ToString(),
        "ids" => world.VariantId.ToString(),
        _ => world.A.Id.ToString(),
    };
}
