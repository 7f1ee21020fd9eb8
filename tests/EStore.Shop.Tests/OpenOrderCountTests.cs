using System.Net;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.Shop.Data;
using EStore.Shop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Shop.Tests;

/// <summary>The dashboard's <c>openOrders</c>: counted from order-service's events (confirmed, not delivered or cancelled).</summary>
[Collection(ShopCollection.Name)]
public sealed class OpenOrderCountTests(ShopStack stack)
{
    [Fact]
    public async Task Open_orders_count_confirmed_orders_of_the_shop_until_delivered_or_cancelled_and_a_redelivery_counts_once()
    {
        var owner = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);
        var shop = (await stack.CreateShopAsync(owner, $"Orders {Guid.NewGuid().ToString("N")[..8]}")).GetProperty("id").GetGuid();
        var otherShop = Guid.NewGuid();
        var events = new List<IntegrationEvent>();
        // Open: confirmed, a line of another shop's order in the same checkout does not count twice.
        var open = Checkout(events, [shop, shop, otherShop], confirm: true);
        var confirmedAgain = new OrderConfirmed(open, Guid.NewGuid(), null, Guid.NewGuid(), new Money(10m, "EUR")) { OccurredAt = DateTimeOffset.UtcNow };
        events.Add(confirmedAgain);
        events.Add(confirmedAgain);
        // Not open: still pending; delivered; cancelled; its only line cancelled; another shop's.
        Checkout(events, [shop], confirm: false);
        var delivered = Checkout(events, [shop], confirm: true);
        events.Add(new OrderDelivered(delivered, Guid.NewGuid(), shop, []) { OccurredAt = DateTimeOffset.UtcNow });
        var cancelled = Checkout(events, [shop], confirm: true);
        events.Add(new OrderCancelled(cancelled, Guid.NewGuid(), CancelledBy.Customer, "changed my mind") { OccurredAt = DateTimeOffset.UtcNow });
        var lineCancelled = Checkout(events, [shop, otherShop], confirm: true);
        var line = ((OrderCreated)events.First(e => e is OrderCreated c && c.OrderId == lineCancelled)).Lines.First(l => l.ShopId == shop);
        events.Add(new OrderLineCancelled(lineCancelled, Guid.NewGuid(), shop, [line], new Money(10m, "EUR"), CancelledBy.ShopOwner, "broken") { OccurredAt = DateTimeOffset.UtcNow });
        Checkout(events, [otherShop], confirm: true);

        await stack.PublishAsync([.. events]);

        var ids = events.Select(e => e.EventId).Distinct().ToList();
        await Eventually.TrueAsync(async () =>
        {
            await using var scope = stack.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
            return await db.Set<InboxMessage>().Where(m => ids.Contains(m.EventId)).Select(m => m.EventId).Distinct().CountAsync() == ids.Count;
        }, "shop-service to consume every order event", TimeSpan.FromSeconds(30));
        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/shops/{shop}/summary", null, owner);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(1, JsonDocument.Parse(text).RootElement.GetProperty("openOrders").GetInt32());
    }

    private static Guid Checkout(List<IntegrationEvent> events, Guid[] lineShops, bool confirm)
    {
        var checkout = Guid.NewGuid();
        var user = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        events.Add(new OrderCreated(checkout, user, null, Guid.NewGuid(),
            [.. lineShops.Select(s => new OrderLine(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), s, "Mug", 1, new Money(10m, "EUR")))],
            new Money(10m * lineShops.Length, "EUR"), new AddressSnapshot("Ada", "1 Lane", null, "London", "N1 1AA", "GB"))
        { OccurredAt = now });
        if (confirm)
        {
            events.Add(new OrderConfirmed(checkout, user, null, Guid.NewGuid(), new Money(10m * lineShops.Length, "EUR")) { OccurredAt = now });
        }
        return checkout;
    }
}
