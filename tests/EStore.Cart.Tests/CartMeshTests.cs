using System.Net;
using System.Text.Json;
using EStore.Cart.Tests.Infrastructure;
using EStore.Mesh;
using EStore.Platform.Security;

namespace EStore.Cart.Tests;

/// <summary>
/// Broker, discovery, the gateway, product-service (demo catalog) and cart-service as real processes on PostgreSQL:
/// cart-service finds product-service through discovery, and shoppers reach carts through the gateway's routes.
/// Tokens come from <see cref="TestTokens"/>, whose JWKS every process trusts.
/// </summary>
public sealed class CartMeshFixture() : MeshFixture("cartmesh", "product-service", "cart-service")
{
    public TestTokens Tokens { get; private set; } = null!;

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        Tokens = Own(await TestTokens.StartAsync());
        options.SeedDemoData = true;
        options.Environment["Jwt__JwksUrl"] = Tokens.JwksUrl.ToString();
    }
}

public sealed class CartMeshTests(CartMeshFixture mesh) : IClassFixture<CartMeshFixture>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(45);

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, object? body, string? token = null, string? cartToken = null)
    {
        using var request = CartHelpers.Request(method, path, body, token, cartToken);
        var response = await mesh.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    /// <summary>Demo variants in stock, from the public catalog through the gateway.</summary>
    private async Task<List<Guid>> VariantsAsync(int count)
    {
        var (status, page, response) = await Eventually.GetAsync(() => SendAsync(HttpMethod.Get, "/api/products?size=50&inStock=true", null),
            answer => answer.Status == HttpStatusCode.OK, "the gateway to route product-service", Bounded);
        response.Dispose();
        var variants = page.GetProperty("items").EnumerateArray()
            .SelectMany(p => p.GetProperty("variants").EnumerateArray())
            .Where(v => v.GetProperty("stock").GetInt32() >= 5)
            .Select(v => v.GetProperty("id").GetGuid()).Take(count).ToList();
        Assert.True(variants.Count == count, $"{status}: the demo catalog has {variants.Count} variants in stock, {count} wanted");
        return variants;
    }

    [Fact]
    public async Task A_guest_fills_a_cart_anonymously_through_the_gateway_and_merges_it_after_login()
    {
        var variants = await VariantsAsync(2);
        var (created, cart, createdResponse) = await Eventually.GetAsync(() => SendAsync(HttpMethod.Post, "/api/carts/guest", null),
            answer => answer.Status != HttpStatusCode.ServiceUnavailable, "the gateway to route cart-service", Bounded);
        Assert.Equal(HttpStatusCode.Created, created);
        var cartToken = Assert.Single(createdResponse.Headers.GetValues("X-Cart-Token"));
        createdResponse.Dispose();

        // cart-service asks product-service through discovery, anonymously: the guest has no token to forward.
        var (added, guestCart, addResponse) = await SendAsync(HttpMethod.Post, "/api/carts/guest/items", new { variantId = variants[0], quantity = 2 }, cartToken: cartToken);
        addResponse.Dispose();
        Assert.True(added == HttpStatusCode.OK, guestCart.ToString());
        var line = Assert.Single(guestCart.GetProperty("lines").EnumerateArray());
        Assert.True(line.GetProperty("unitPrice").GetDecimal() > 0);
        Assert.False(guestCart.GetProperty("priceUnavailable").GetBoolean());
        Assert.Equal(cart.GetProperty("id").GetGuid(), guestCart.GetProperty("id").GetGuid());

        var user = mesh.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);
        var (anonymous, _, anonymousResponse) = await SendAsync(HttpMethod.Get, "/api/carts", null);
        anonymousResponse.Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        var (_, carts, listResponse) = await SendAsync(HttpMethod.Get, "/api/carts", null, user);
        listResponse.Dispose();
        var mine = carts.EnumerateArray().Single().GetProperty("id").GetGuid();
        var (_, _, ownAdd) = await SendAsync(HttpMethod.Post, $"/api/carts/{mine}/items", new { variantId = variants[1], quantity = 1 }, user);
        Assert.Equal(HttpStatusCode.OK, ownAdd.StatusCode);
        ownAdd.Dispose();

        var (merged, view, mergeResponse) = await SendAsync(HttpMethod.Post, "/api/carts/merge", null, user, cartToken);
        mergeResponse.Dispose();

        Assert.True(merged == HttpStatusCode.OK, view.ToString());
        Assert.Equal(mine, view.GetProperty("id").GetGuid());
        Assert.Equal(3, view.GetProperty("items").GetInt32());
        Assert.All(view.GetProperty("lines").EnumerateArray(), l => Assert.True(l.GetProperty("lineTotal").GetDecimal() > 0));
        Assert.NotEmpty(view.GetProperty("totals").EnumerateArray());
    }
}
