extern alias product;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Cart.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProductDb = product::EStore.Product.Data.ProductDbContext;

namespace EStore.Cart.Tests.Infrastructure;

/// <summary>Products to put in carts, calls that must succeed, and direct database access for the cart tests.</summary>
public static class CartHelpers
{
    /// <summary>A category of the demo catalog product-service seeds.</summary>
    public const string Kitchen = "00000000-0000-4000-9000-000000000005";

    /// <summary>A product with <paramref name="variants"/> variants in the stack's shop (or <paramref name="shop"/>); returns its id and its variants'.</summary>
    public static async Task<(Guid ProductId, List<Guid> Variants)> NewProductAsync(
        this CartStack stack, int variants = 1, decimal price = 10m, string currency = "EUR", int stock = 50, (Guid Id, string Owner)? shop = null)
    {
        var (shopId, owner) = shop ?? await stack.ShopAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var body = new
        {
            shopId,
            categoryId = Kitchen,
            name = $"Item {tag}",
            description = "For carts",
            price,
            currency,
            variants = Enumerable.Range(1, variants).Select(i => new { sku = $"{tag}-{i}", name = $"Size {i}", price, stock }).ToArray(),
        };
        // product-service knows the shop once the ShopCreated the stack published has arrived; until then it is "not found".
        var (status, text) = await Eventually.GetAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/products") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
            using var response = await stack.Product.Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }, answer => answer.StatusCode != HttpStatusCode.NotFound, $"product-service to learn shop {shopId}", TimeSpan.FromSeconds(45));
        Assert.True(status == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        var ids = created.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("sku").GetString()!, v => v.GetProperty("id").GetGuid());
        return (created.GetProperty("id").GetGuid(), [.. Enumerable.Range(1, variants).Select(i => ids[$"{tag}-{i}"])]);
    }

    /// <summary>The one variant of a new product.</summary>
    public static async Task<Guid> NewVariantAsync(this CartStack stack, decimal price = 10m, string currency = "EUR", int stock = 50) =>
        (await stack.NewProductAsync(1, price, currency, stock)).Variants[0];

    /// <summary>Sends and returns the JSON body, asserting <paramref name="expected"/>.</summary>
    public static async Task<JsonElement> SendExpectingAsync(
        this CartStack stack, HttpStatusCode expected, HttpMethod method, string path, object? body, string? token, string? cartToken = null, HttpClient? via = null)
    {
        using var response = await stack.SendWithCartTokenAsync(method, path, body, token, cartToken, via);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends with a bearer token and/or a guest cart token, through <paramref name="via"/> (another instance) if given.</summary>
    public static async Task<HttpResponseMessage> SendWithCartTokenAsync(
        this CartStack stack, HttpMethod method, string path, object? body, string? token, string? cartToken, HttpClient? via = null)
    {
        using var request = Request(method, path, body, token, cartToken);
        return await (via ?? stack.App.Http).SendAsync(request);
    }

    /// <summary>A request with a JSON body (or the content given), a bearer token and a guest cart token, each optional.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, object? body, string? token, string? cartToken)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : body as HttpContent ?? JsonContent.Create(body) };
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        if (cartToken is not null)
        {
            request.Headers.Add("X-Cart-Token", cartToken);
        }
        return request;
    }

    /// <summary>The caller's default cart id (made on first use).</summary>
    public static async Task<Guid> DefaultCartAsync(this CartStack stack, string token) =>
        (await stack.GetAsync("/api/carts", token)).EnumerateArray().Single(c => c.GetProperty("isDefault").GetBoolean()).GetProperty("id").GetGuid();

    /// <summary>Adds <paramref name="quantity"/> of a variant to a cart, asserting 200; returns the cart as answered.</summary>
    public static Task<JsonElement> AddAsync(this CartStack stack, Guid cartId, string token, Guid variantId, int quantity = 1) =>
        stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{cartId}/items", new { variantId, quantity }, token);

    /// <summary>The quantity of each line of a cart, read from the database.</summary>
    public static Task<Dictionary<Guid, int>> LinesInDatabaseAsync(this CartStack stack, Guid cartId) =>
        stack.WithCartDbAsync(db => db.Lines.AsNoTracking().Where(l => l.CartId == cartId).ToDictionaryAsync(l => l.VariantId, l => l.Quantity));

    public static async Task<T> WithCartDbAsync<T>(this CartStack stack, Func<CartDbContext, Task<T>> work)
    {
        await using var scope = stack.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<CartDbContext>());
    }

    /// <summary>Changes a variant's price in product-service's own database (its API changes product prices only).</summary>
    public static async Task SetVariantPriceAsync(this CartStack stack, Guid variantId, decimal price)
    {
        await using var scope = stack.Product.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProductDb>();
        await db.Variants.Where(v => v.Id == variantId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Price, price));
    }

    /// <summary>A JSON body given as text, for malformed and oddly typed input.</summary>
    public static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
}
