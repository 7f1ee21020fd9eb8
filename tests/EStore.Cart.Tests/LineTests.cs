using System.Net;
using EStore.Cart.Services;
using EStore.Cart.Tests.Infrastructure;
using EStore.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Cart.Tests;

/// <summary>Lines: product-service's checks on adds, the limits, and reads with live prices from one batched call.</summary>
[Collection(CartCollection.Name)]
public sealed class LineTests(CartStack stack)
{
    [Fact]
    public async Task Adding_a_variant_already_in_the_cart_adds_to_its_line_which_can_be_set_removed_and_emptied()
    {
        var (_, token) = stack.Customer();
        var (_, variants) = await stack.NewProductAsync(variants: 2);
        var cart = await stack.DefaultCartAsync(token);

        await stack.AddAsync(cart, token, variants[0], 2);
        var added = await stack.AddAsync(cart, token, variants[0], 3);
        Assert.Equal(5, Assert.Single(added.GetProperty("lines").EnumerateArray()).GetProperty("quantity").GetInt32());

        await stack.AddAsync(cart, token, variants[1], 1);
        var set = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Put, $"/api/carts/{cart}/items/{variants[0]}", new { quantity = 7 }, token);
        Assert.Equal(8, set.GetProperty("items").GetInt32());
        Assert.Equal(new Dictionary<Guid, int> { [variants[0]] = 7, [variants[1]] = 1 }, await stack.LinesInDatabaseAsync(cart));

        await stack.SendExpectingAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/api/carts/{cart}/items/{variants[1]}", null, token);
        Assert.Equal([variants[0]], (await stack.LinesInDatabaseAsync(cart)).Keys);
        using (var again = await stack.SendAsync(HttpMethod.Delete, $"/api/carts/{cart}/items/{variants[1]}", null, token))
        {
            await again.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var notInCart = await stack.SendAsync(HttpMethod.Put, $"/api/carts/{cart}/items/{variants[1]}", new { quantity = 1 }, token))
        {
            await notInCart.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        await stack.SendExpectingAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/api/carts/{cart}/items", null, token);
        Assert.Empty(await stack.LinesInDatabaseAsync(cart));
    }

    [Fact]
    public async Task An_unknown_variant_is_404_and_a_deleted_one_or_one_of_a_hidden_shop_is_422()
    {
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var (deletedProduct, deleted) = await stack.NewProductAsync();
        var (_, owner) = await stack.ShopAsync();
        using (var delete = await stack.Product.Http.SendAsync(Authorized(HttpMethod.Delete, $"/api/products/{deletedProduct}", owner)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        var pending = await stack.ShopAsync(ShopStatus.Pending);
        var (_, hidden) = await stack.NewProductAsync(shop: pending);

        using (var unknown = await stack.SendAsync(HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = Guid.NewGuid(), quantity = 1 }, token))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        foreach (var variant in new[] { deleted[0], hidden[0] })
        {
            using var refused = await stack.SendAsync(HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = variant, quantity = 1 }, token);
            var problem = await refused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("variantId", out _));
        }
        Assert.Empty(await stack.LinesInDatabaseAsync(cart));
    }

    [Fact]
    public async Task More_than_is_available_is_409_with_the_available_count()
    {
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var variant = await stack.NewVariantAsync(stock: 3);
        await stack.AddAsync(cart, token, variant, 2);

        foreach (var (method, path, body) in new (HttpMethod, string, object)[]
        {
            (HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = variant, quantity = 2 }),
            (HttpMethod.Put, $"/api/carts/{cart}/items/{variant}", new { quantity = 4 }),
        })
        {
            using var response = await stack.SendAsync(method, path, body, token);
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(3, problem.GetProperty("available").GetInt32());
        }
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 2 }, await stack.LinesInDatabaseAsync(cart));
    }

    [Fact]
    public async Task A_line_holds_at_most_99_units_and_a_cart_at_most_its_configured_number_of_lines()
    {
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var (_, variants) = await stack.NewProductAsync(variants: CartStack.MaxLines + 1, stock: 500);
        await stack.AddAsync(cart, token, variants[0], 60);

        using (var tooMany = await stack.SendAsync(HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = variants[0], quantity = 40 }, token))
        {
            var problem = await tooMany.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("quantity", out _));
        }
        foreach (var variant in variants.Skip(1).Take(CartStack.MaxLines - 1))
        {
            await stack.AddAsync(cart, token, variant);
        }
        using (var oneLineTooMany = await stack.SendAsync(HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = variants[^1], quantity = 1 }, token))
        {
            await oneLineTooMany.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        }
        var lines = await stack.LinesInDatabaseAsync(cart);
        Assert.Equal(CartStack.MaxLines, lines.Count);
        Assert.Equal(60, lines[variants[0]]);
    }

    [Fact]
    public async Task A_read_shows_live_prices_with_a_changed_flag_unavailable_lines_and_totals_per_currency()
    {
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var (_, euro) = await stack.NewProductAsync(variants: 2, price: 12.50m);
        var dollar = await stack.NewVariantAsync(price: 0.10m, currency: "USD", stock: 5);
        var (goneProduct, gone) = await stack.NewProductAsync(price: 99m);
        await stack.AddAsync(cart, token, euro[0], 3);
        await stack.AddAsync(cart, token, euro[1], 1);
        await stack.AddAsync(cart, token, dollar, 3);
        await stack.AddAsync(cart, token, gone[0], 1);
        await stack.SetVariantPriceAsync(euro[1], 11.99m);
        var (_, owner) = await stack.ShopAsync();
        using (var delete = await stack.Product.Http.SendAsync(Authorized(HttpMethod.Delete, $"/api/products/{goneProduct}", owner)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var read = await stack.GetAsync($"/api/carts/{cart}", token);

        var lines = read.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("variantId").GetGuid());
        var same = lines[euro[0]];
        Assert.StartsWith("Item ", same.GetProperty("productName").GetString(), StringComparison.Ordinal);
        Assert.Equal("Size 1", same.GetProperty("variantName").GetString());
        Assert.StartsWith("Cart test shop", same.GetProperty("shopName").GetString(), StringComparison.Ordinal);
        Assert.Equal(12.50m, same.GetProperty("unitPrice").GetDecimal());
        Assert.False(same.GetProperty("priceChanged").GetBoolean());
        Assert.Equal(37.50m, same.GetProperty("lineTotal").GetDecimal());
        Assert.Equal("IN_STOCK", same.GetProperty("stockStatus").GetString());
        var changed = lines[euro[1]];
        Assert.Equal(11.99m, changed.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(12.50m, changed.GetProperty("priceWhenAdded").GetDecimal());
        Assert.True(changed.GetProperty("priceChanged").GetBoolean());
        Assert.Equal("LOW_STOCK", lines[dollar].GetProperty("stockStatus").GetString());
        var unavailable = lines[gone[0]];
        Assert.True(unavailable.GetProperty("unavailable").GetBoolean());
        Assert.Equal(99m, unavailable.GetProperty("priceWhenAdded").GetDecimal());
        Assert.False(unavailable.TryGetProperty("lineTotal", out _));
        Assert.False(read.GetProperty("priceUnavailable").GetBoolean());
        // Decimal sums: 3 x 12.50 + 11.99 in euros; 3 x 0.10 is exactly 0.30 dollars. The deleted line counts in neither.
        Assert.Equal(
            [("EUR", 49.49m), ("USD", 0.30m)],
            read.GetProperty("totals").EnumerateArray().Select(t => (t.GetProperty("currency").GetString(), t.GetProperty("amount").GetDecimal())));
    }

    [Fact]
    public async Task Prices_and_names_sent_by_the_client_are_ignored()
    {
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var (_, variants) = await stack.NewProductAsync(price: 25.00m);

        var added = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{cart}/items",
            new { variantId = variants[0], quantity = 2, unitPrice = 0.01m, price = 0.01m, priceWhenAdded = 0.01m, currency = "XXX", productName = "Free" }, token);

        var line = Assert.Single(added.GetProperty("lines").EnumerateArray());
        Assert.Equal(25.00m, line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(25.00m, line.GetProperty("priceWhenAdded").GetDecimal());
        Assert.Equal("EUR", line.GetProperty("currency").GetString());
        Assert.StartsWith("Item ", line.GetProperty("productName").GetString(), StringComparison.Ordinal);
        Assert.Equal(50.00m, Assert.Single(added.GetProperty("totals").EnumerateArray()).GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_cart_read_asks_product_service_once_whatever_the_number_of_lines()
    {
        var calls = new List<string>();
        await using var counted = stack.StartInstance(testServices: services =>
            services.AddHttpClient<ProductClient>().AddHttpMessageHandler(() => new Recording(calls)));
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var (_, variants) = await stack.NewProductAsync(variants: CartStack.MaxLines);
        foreach (var variant in variants)
        {
            await stack.AddAsync(cart, token, variant);
        }

        var read = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{cart}", null, token, via: counted.Http);

        Assert.Equal(CartStack.MaxLines, read.GetProperty("lines").GetArrayLength());
        var call = Assert.Single(calls);
        Assert.All(variants, v => Assert.Contains(v.ToString(), call, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_product_service_down_a_read_shows_the_stored_lines_marked_price_unavailable_and_an_add_is_503()
    {
        var (_, token) = stack.Customer();
        var cart = await stack.DefaultCartAsync(token);
        var variant = await stack.NewVariantAsync(price: 4.20m);
        var other = await stack.NewVariantAsync();
        await stack.AddAsync(cart, token, variant, 2);
        await using var cutOff = stack.StartInstance(new Uri($"http://127.0.0.1:{FreePort.Next()}/"));

        var read = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/carts/{cart}", null, token, via: cutOff.Http);
        using var add = await stack.SendWithCartTokenAsync(HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = other, quantity = 1 }, token, null, cutOff.Http);
        using var set = await stack.SendWithCartTokenAsync(HttpMethod.Put, $"/api/carts/{cart}/items/{variant}", new { quantity = 1 }, token, null, cutOff.Http);

        Assert.True(read.GetProperty("priceUnavailable").GetBoolean());
        var line = Assert.Single(read.GetProperty("lines").EnumerateArray());
        Assert.True(line.GetProperty("priceUnavailable").GetBoolean());
        Assert.Equal(4.20m, line.GetProperty("priceWhenAdded").GetDecimal());
        Assert.StartsWith("Item ", line.GetProperty("productName").GetString(), StringComparison.Ordinal);
        Assert.False(line.TryGetProperty("unitPrice", out _));
        Assert.Empty(read.GetProperty("totals").EnumerateArray());
        await add.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        await set.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 2 }, await stack.LinesInDatabaseAsync(cart));
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    private sealed class Recording(List<string> calls) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (calls)
            {
                calls.Add(request.RequestUri!.ToString());
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
