using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Product.Data;
using EStore.Product.Messaging;
using EStore.Product.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Product.Tests;

/// <summary>The checkout saga's stock side: all-or-nothing reservations, idempotent, released and committed.</summary>
[Collection(ProductCollection.Name)]
public sealed class ReservationTests(ProductStack stack)
{
    private static readonly AddressSnapshot Address = new("Ann", "Main St 1", null, "Berlin", "10115", "DE");

    [Fact]
    public async Task An_order_reserves_once_releases_on_cancel_and_commits_on_confirm()
    {
        var (productId, variantId, shopId) = await NewProductAsync(stock: 10);
        var order = Guid.NewGuid();
        var created = Created(order, (productId, variantId, shopId, 4));
        // The same event twice (inbox) and the same order under another event id (handler check): one reservation.
        await stack.PublishAsync(created, created, created with { EventId = Guid.NewGuid() });

        var reserved = stack.ConsumeEvent<StockReserved>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        Assert.Equal(4, Assert.Single(reserved.Lines).Quantity);
        await WaitForAvailableAsync(productId, 6);

        await stack.PublishAsync(new OrderCancelled(order, Guid.NewGuid(), CancelledBy.Customer, "changed mind") { OccurredAt = DateTimeOffset.UtcNow });
        stack.ConsumeEvent<StockReleased>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        await WaitForAvailableAsync(productId, 10);

        var second = Guid.NewGuid();
        await stack.PublishAsync(Created(second, (productId, variantId, shopId, 3)));
        stack.ConsumeEvent<StockReserved>(e => e.OrderId == second, TimeSpan.FromSeconds(45));
        await stack.PublishAsync(new OrderConfirmed(second, Guid.NewGuid(), null, Guid.NewGuid(), new Money(30m, "EUR")) { OccurredAt = DateTimeOffset.UtcNow });
        // Committed units leave stock on hand: a later cancel of that order changes nothing.
        await stack.PublishAsync(new OrderCancelled(second, Guid.NewGuid(), CancelledBy.System, "late") { OccurredAt = DateTimeOffset.UtcNow });
        await Task.Delay(1000);
        await WaitForAvailableAsync(productId, 7);
    }

    [Fact]
    public async Task Lines_cancelled_after_confirmation_put_their_sold_units_back_once_and_never_more_than_were_sold()
    {
        var (productId, variantId, shopId) = await NewProductAsync(stock: 10);
        var order = Guid.NewGuid();
        await stack.PublishAsync(Created(order, (productId, variantId, shopId, 4)));
        stack.ConsumeEvent<StockReserved>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        await stack.PublishAsync(new OrderConfirmed(order, Guid.NewGuid(), null, Guid.NewGuid(), new Money(40m, "EUR")) { OccurredAt = DateTimeOffset.UtcNow });
        await stack.WaitForReservationAsync(order, ReservationState.Committed);
        await WaitForAvailableAsync(productId, 6);

        var first = Cancelled(order, productId, variantId, shopId, 3);
        // Redelivered (same event id), and cancelled again under a new id asking for more than is left: 4 units back in all.
        await stack.PublishAsync(first, first, Cancelled(order, productId, variantId, shopId, 3));
        await WaitForAvailableAsync(productId, 10);
        await Task.Delay(1000);
        await WaitForAvailableAsync(productId, 10);

        // A line of an order this service never sold returns nothing.
        await stack.PublishAsync(Cancelled(Guid.NewGuid(), productId, variantId, shopId, 5));
        await Task.Delay(1000);
        await WaitForAvailableAsync(productId, 10);

        static OrderLineCancelled Cancelled(Guid order, Guid productId, Guid variantId, Guid shopId, int quantity) =>
            new(order, Guid.NewGuid(), shopId, [new OrderLine(Guid.NewGuid(), productId, variantId, shopId, "item", quantity, new Money(10m, "EUR"))],
                new Money(10m * quantity, "EUR"), CancelledBy.Customer, "changed mind")
            { OccurredAt = DateTimeOffset.UtcNow };
    }

    [Fact]
    public async Task A_short_line_fails_the_whole_order_and_reserves_nothing()
    {
        var (okProduct, okVariant, shopId) = await NewProductAsync(stock: 5);
        var (shortProduct, shortVariant, _) = await NewProductAsync(stock: 1);
        var order = Guid.NewGuid();
        await stack.PublishAsync(Created(order, (okProduct, okVariant, shopId, 2), (shortProduct, shortVariant, shopId, 3)));

        var failed = stack.ConsumeEvent<StockReservationFailed>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        var shortage = Assert.Single(failed.Shortages);
        Assert.Equal(shortVariant, shortage.VariantId);
        Assert.Equal(1, shortage.Available);
        Assert.Equal(StockShortageReasons.InsufficientStock, shortage.Reason);
        Assert.Equal("insufficient stock", failed.Reason);
        await WaitForAvailableAsync(okProduct, 5);
        await WaitForAvailableAsync(shortProduct, 1);
    }

    [Fact]
    public async Task A_deleted_product_or_an_unknown_variant_cannot_be_reserved_and_each_line_says_why()
    {
        var (okProduct, okVariant, shopId) = await NewProductAsync(stock: 5);
        var (goneProduct, goneVariant, goneShop) = await NewProductAsync(stock: 5);
        using (var deleted = await stack.SendAsync(HttpMethod.Delete, $"/api/products/{goneProduct}", null, stack.Admin))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"delete answered {(int)deleted.StatusCode}");
        }
        var order = Guid.NewGuid();
        await stack.PublishAsync(Created(order, (okProduct, okVariant, shopId, 1), (goneProduct, goneVariant, goneShop, 1), (okProduct, Guid.NewGuid(), shopId, 1)));

        var failed = stack.ConsumeEvent<StockReservationFailed>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        Assert.Equal(2, failed.Shortages.Count);
        Assert.Equal(StockShortageReasons.NotForSale, Assert.Single(failed.Shortages, s => s.ProductId == goneProduct).Reason);
        Assert.Equal(StockShortageReasons.UnknownItem, Assert.Single(failed.Shortages, s => s.ProductId == okProduct).Reason);
        Assert.Equal("some lines cannot be ordered", failed.Reason);
        // All or nothing: the good line holds nothing either.
        await WaitForAvailableAsync(okProduct, 5);
    }

    [Fact]
    public async Task Unconfirmed_reservations_expire()
    {
        var (productId, variantId, shopId) = await NewProductAsync(stock: 8);
        var order = Guid.NewGuid();
        await stack.PublishAsync(Created(order, (productId, variantId, shopId, 5)));
        stack.ConsumeEvent<StockReserved>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        await WaitForAvailableAsync(productId, 3);

        var expiry = stack.Product.Services.GetRequiredService<ReservationExpiry>();
        Assert.Equal(0, await expiry.ReleaseExpiredAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.True(await expiry.ReleaseExpiredAsync(DateTimeOffset.UtcNow.AddMinutes(16), CancellationToken.None) >= 1);

        var released = stack.ConsumeEvent<StockReleased>(e => e.OrderId == order, TimeSpan.FromSeconds(45));
        Assert.Equal("reservation expired", released.Reason);
        await WaitForAvailableAsync(productId, 8);
    }

    private static OrderCreated Created(Guid order, params (Guid ProductId, Guid VariantId, Guid ShopId, int Quantity)[] lines) =>
        new(order, Guid.NewGuid(), null, Guid.NewGuid(),
            [.. lines.Select(l => new OrderLine(Guid.NewGuid(), l.ProductId, l.VariantId, l.ShopId, "item", l.Quantity, new Money(10m, "EUR")))],
            new Money(10m, "EUR"), Address)
        { OccurredAt = DateTimeOffset.UtcNow };

    private async Task<(Guid ProductId, Guid VariantId, Guid ShopId)> NewProductAsync(int stock)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Saga {tag}");
        using var response = await stack.SendAsync(HttpMethod.Post, "/api/products", new
        {
            shopId = shop,
            categoryId = "00000000-0000-4000-9000-000000000005",
            name = $"Plate {tag}",
            price = 10m,
            variants = new[] { new { sku = $"PLATE-{tag}", stock } },
        }, owner);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var product = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (product.GetProperty("id").GetGuid(), product.GetProperty("variants")[0].GetProperty("id").GetGuid(), shop);
    }

    private Task WaitForAvailableAsync(Guid productId, int expected) =>
        Eventually.GetAsync(
            async () => (await stack.GetAsync($"/api/products/{productId}")).GetProperty("variants")[0].GetProperty("stock").GetInt32(),
            available => available == expected, $"available stock {expected}", TimeSpan.FromSeconds(30));
}
