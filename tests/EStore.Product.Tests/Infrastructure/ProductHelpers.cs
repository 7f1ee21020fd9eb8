using System.Net;
using System.Text;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Product.Tests.Infrastructure;

/// <summary>Products, orders and direct database access for the product-service tests.</summary>
public static class ProductHelpers
{
    public const string Kitchen = "00000000-0000-4000-9000-000000000005";

    private static readonly AddressSnapshot Address = new("Ann", "Main St 1", null, "Berlin", "10115", "DE");

    /// <summary>Creates a product through the API; returns its id and its variants' ids in the order given.</summary>
    public static async Task<(Guid ProductId, List<Guid> VariantIds)> CreateProductAsync(
        this ProductStack stack, Guid shopId, string owner, string name, string description, params (string Sku, int Stock, int Threshold)[] variants)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "/api/products", new
        {
            shopId,
            categoryId = Kitchen,
            name,
            description,
            price = 10m,
            variants = variants.Select(v => new { sku = v.Sku, stock = v.Stock, lowStockThreshold = v.Threshold }).ToArray(),
        }, owner);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var product = JsonDocument.Parse(text).RootElement;
        var ids = product.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("sku").GetString()!, v => v.GetProperty("id").GetGuid());
        return (product.GetProperty("id").GetGuid(), [.. variants.Select(v => ids[v.Sku])]);
    }

    public static async Task<JsonElement> SendOkAsync(this ProductStack stack, HttpMethod method, string path, object? body, string token)
    {
        using var response = await stack.SendAsync(method, path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static OrderCreated OrderFor(Guid order, Guid shopId, Guid productId, Guid variantId, int quantity) =>
        new(order, Guid.NewGuid(), null, Guid.NewGuid(),
            [new OrderLine(Guid.NewGuid(), productId, variantId, shopId, "item", quantity, new Money(10m, "EUR"))],
            new Money(10m * quantity, "EUR"), Address)
        { OccurredAt = DateTimeOffset.UtcNow };

    public static OrderConfirmed Confirmation(Guid order) =>
        new(order, Guid.NewGuid(), null, Guid.NewGuid(), new Money(10m, "EUR")) { OccurredAt = DateTimeOffset.UtcNow };

    /// <summary>Runs <paramref name="work"/> on the service's own database.</summary>
    public static async Task<T> WithDbAsync<T>(this ProductStack stack, Func<ProductDbContext, Task<T>> work)
    {
        await using var scope = stack.Product.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ProductDbContext>());
    }

    /// <summary>The events of type <typeparamref name="T"/> in the outbox for one aggregate, oldest first.</summary>
    public static Task<List<T>> OutboxEventsAsync<T>(this ProductStack stack, Guid aggregateId)
        where T : class, IIntegrationEvent
    {
        var typeName = EventTypeRegistry.Default.Get<T>().Name;
        var key = aggregateId.ToString();
        return stack.WithDbAsync(async db =>
        {
            var rows = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.AggregateKey == key && m.EventType == typeName).OrderBy(m => m.Id).ToListAsync();
            return rows.Select(m => (T)EventJson.Deserialize(Encoding.UTF8.GetBytes(m.Payload), typeof(T))).ToList();
        });
    }

    /// <summary>Waits until the order's reservation reached <paramref name="state"/>.</summary>
    public static Task WaitForReservationAsync(this ProductStack stack, Guid order, ReservationState state) =>
        Eventually.TrueAsync(() => stack.WithDbAsync(db => db.Reservations.AnyAsync(r => r.OrderId == order && r.State == state)), $"order {order} is {state}", TimeSpan.FromSeconds(30));
}
