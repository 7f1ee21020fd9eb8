using EStore.Contracts.Events;
using EStore.Product.Data;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary>LowStockDetected and ProductChanged are written to the outbox with the change, exactly when they should.</summary>
[Collection(ProductCollection.Name)]
public sealed class ProductEventsTests(ProductStack stack)
{
    [Fact]
    public async Task Low_stock_is_reported_once_per_crossing_by_adjustments_and_reservations()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Low {tag}");
        var (product, variants) = await stack.CreateProductAsync(shop, owner, $"Lamp {tag}", "", ($"LAMP-{tag}", 10, 3));
        var variant = variants[0];

        await Adjust(variant, -6, owner);  // 4 left: above the threshold of 3
        await Adjust(variant, -1, owner);  // 3: crossed
        await Adjust(variant, -1, owner);  // 2: still low, no second event
        await stack.SendOkAsync(HttpMethod.Put, $"/api/inventory/{variant}", new { stock = 10 }, owner); // restocked
        var order = Guid.NewGuid();
        await stack.PublishAsync(ProductHelpers.OrderFor(order, shop, product, variant, 8)); // 2 available: crossed again
        await stack.WaitForReservationAsync(order, ReservationState.Reserved);
        await stack.PublishAsync(ProductHelpers.Confirmation(order)); // the sale takes reserved units: available stays 2
        await stack.WaitForReservationAsync(order, ReservationState.Committed);

        var events = await stack.OutboxEventsAsync<LowStockDetected>(product);
        Assert.Equal([(3, 3), (2, 3)], events.Select(e => (e.Available, e.Threshold)));
        Assert.All(events, e =>
        {
            Assert.Equal(variant, e.VariantId);
            Assert.Equal(shop, e.ShopId);
            Assert.Equal($"Lamp {tag}", e.ProductName); // for the shop owner's mail
        });
    }

    [Fact]
    public async Task Raising_the_threshold_above_the_available_units_is_a_crossing_too()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Threshold {tag}");
        var (product, variants) = await stack.CreateProductAsync(shop, owner, $"Rug {tag}", "", ($"RUG-{tag}", 6, 2));

        await stack.SendOkAsync(HttpMethod.Put, $"/api/inventory/{variants[0]}", new { stock = 6, lowStockThreshold = 8 }, owner);

        var low = Assert.Single(await stack.OutboxEventsAsync<LowStockDetected>(product));
        Assert.Equal((6, 8), (low.Available, low.Threshold));
    }

    [Fact]
    public async Task Product_changes_are_announced_on_create_visible_updates_availability_and_delete()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Changes {tag}");
        var (product, variants) = await stack.CreateProductAsync(shop, owner, $"Vase {tag}", "Glass.", ($"VASE-{tag}", 2, 0));
        var update = new { categoryId = ProductHelpers.Kitchen, name = $"Vase {tag}", description = "Blown glass.", price = 10m };

        await stack.SendOkAsync(HttpMethod.Put, $"/api/products/{product}", update, owner);  // description only: nothing for carts
        await stack.SendOkAsync(HttpMethod.Put, $"/api/products/{product}", update with { price = 12.5m }, owner);
        await Adjust(variants[0], -2, owner);  // sold out: no longer available
        await Adjust(variants[0], 1, owner);   // back
        await Adjust(variants[0], 1, owner);   // still available: nothing
        await stack.SendOkAsync(HttpMethod.Delete, $"/api/products/{product}", null, owner);

        var events = await stack.OutboxEventsAsync<ProductChanged>(product);
        Assert.Equal(
            [
                (ProductChangeKind.Created, 10m, true),
                (ProductChangeKind.Updated, 12.5m, true),
                (ProductChangeKind.Updated, 12.5m, false),
                (ProductChangeKind.Updated, 12.5m, true),
                (ProductChangeKind.Deleted, 12.5m, false),
            ],
            events.Select(e => (e.Kind, e.Price.Amount, e.Available)));
        Assert.All(events, e =>
        {
            Assert.Equal(shop, e.ShopId);
            Assert.Equal($"Vase {tag}", e.Name);
            Assert.Equal("EUR", e.Price.Currency);
        });
    }

    [Fact]
    public async Task Reserving_the_last_units_makes_a_product_unavailable_and_cancelling_makes_it_available_again()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Last {tag}");
        var (product, variants) = await stack.CreateProductAsync(shop, owner, $"Bowl {tag}", "", ($"BOWL-{tag}", 2, 0));
        var order = Guid.NewGuid();

        await stack.PublishAsync(ProductHelpers.OrderFor(order, shop, product, variants[0], 2));
        await stack.WaitForReservationAsync(order, ReservationState.Reserved);
        await stack.PublishAsync(new OrderCancelled(order, Guid.NewGuid(), CancelledBy.Customer, "changed mind") { OccurredAt = DateTimeOffset.UtcNow });
        await stack.WaitForReservationAsync(order, ReservationState.Released);

        var events = await stack.OutboxEventsAsync<ProductChanged>(product);
        Assert.Equal(
            [(ProductChangeKind.Created, true), (ProductChangeKind.Updated, false), (ProductChangeKind.Updated, true)],
            events.Select(e => (e.Kind, e.Available)));
    }

    private Task Adjust(Guid variant, int delta, string owner) =>
        stack.SendOkAsync(HttpMethod.Post, $"/api/inventory/{variant}/adjust", new { delta, reason = "test" }, owner);
}
