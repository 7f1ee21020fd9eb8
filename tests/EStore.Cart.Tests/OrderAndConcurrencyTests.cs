using System.Net;
using EStore.Cart.Tests.Infrastructure;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Cart.Tests;

/// <summary>OrderConfirmed empties the cart it names (once, and only on confirmation); concurrent adds of one variant.</summary>
[Collection(CartCollection.Name)]
public sealed class OrderAndConcurrencyTests(CartStack stack)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(45);

    private static OrderConfirmed Confirmed(Guid order, Guid user, Guid? cart) =>
        new(order, user, cart, Guid.NewGuid(), new Money(10m, "EUR")) { OccurredAt = DateTimeOffset.UtcNow };

    [Fact]
    public async Task A_cart_is_emptied_when_its_order_is_confirmed_not_when_it_is_placed_or_cancelled_and_a_redelivery_changes_nothing()
    {
        var (user, token) = stack.Customer();
        var variant = await stack.NewVariantAsync();
        var cart = await stack.DefaultCartAsync(token);
        var marker = (await stack.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/carts", new { name = "Marker" }, token)).GetProperty("id").GetGuid();
        await stack.AddAsync(cart, token, variant, 2);
        await stack.AddAsync(marker, token, variant, 1);
        var order = Guid.NewGuid();

        // The order is placed from the cart (OrderCreated names it), its payment fails and it is cancelled; then the
        // same order's key confirms another cart. Same key, same partition: once the marker cart is empty, the
        // placement and the cancellation have been read too, and neither may have touched the ordered cart.
        var placed = new OrderCreated(order, user, cart, Guid.NewGuid(),
            [new OrderLine(Guid.NewGuid(), Guid.NewGuid(), variant, Guid.NewGuid(), "Anything", 2, new Money(5m, "EUR"))],
            new Money(10m, "EUR"), new AddressSnapshot("A Shopper", "1 Main St", null, "Springfield", "12345", "US"))
        { OccurredAt = DateTimeOffset.UtcNow };
        await stack.PublishAsync(
            placed,
            new OrderCancelled(order, user, CancelledBy.System, "payment failed") { OccurredAt = DateTimeOffset.UtcNow },
            Confirmed(order, user, marker));
        await Eventually.TrueAsync(async () => (await stack.LinesInDatabaseAsync(marker)).Count == 0, "the marker cart to be emptied", Bounded);
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 2 }, await stack.LinesInDatabaseAsync(cart));

        var confirmed = Confirmed(order, user, cart);
        await stack.PublishAsync(confirmed);
        await Eventually.TrueAsync(async () => (await stack.LinesInDatabaseAsync(cart)).Count == 0, "the ordered cart to be emptied", Bounded);

        // The shopper fills the cart again; the same event delivered again (same event id) leaves it alone.
        await stack.AddAsync(cart, token, variant, 1);
        await stack.AddAsync(marker, token, variant, 1);
        await stack.PublishAsync(confirmed, Confirmed(order, user, marker));
        await Eventually.TrueAsync(async () => (await stack.LinesInDatabaseAsync(marker)).Count == 0, "the second marker to be handled", Bounded);
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 1 }, await stack.LinesInDatabaseAsync(cart));
        Assert.Equal(1, await stack.WithCartDbAsync(db => db.Set<InboxMessage>().CountAsync(m => m.EventId == confirmed.EventId)));
        Assert.Single((await stack.GetAsync("/api/carts", token)).EnumerateArray(), c => c.GetProperty("id").GetGuid() == cart);
    }

    [Fact]
    public async Task A_confirmation_naming_another_users_cart_leaves_it_alone()
    {
        var (_, token) = stack.Customer();
        var (stranger, strangerToken) = stack.Customer();
        var variant = await stack.NewVariantAsync();
        var cart = await stack.DefaultCartAsync(token);
        var marker = await stack.DefaultCartAsync(strangerToken);
        await stack.AddAsync(cart, token, variant, 1);
        await stack.AddAsync(marker, strangerToken, variant, 1);
        var order = Guid.NewGuid();

        await stack.PublishAsync(Confirmed(order, stranger, cart), Confirmed(order, stranger, marker));

        await Eventually.TrueAsync(async () => (await stack.LinesInDatabaseAsync(marker)).Count == 0, "the stranger's own cart to be emptied", Bounded);
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 1 }, await stack.LinesInDatabaseAsync(cart));
    }

    [Fact]
    public async Task Concurrent_adds_of_one_variant_through_two_instances_end_as_one_line_with_the_summed_quantity()
    {
        await using var second = stack.StartInstance();
        var (_, token) = stack.Customer();
        var variant = await stack.NewVariantAsync(stock: 500);
        var cart = await stack.DefaultCartAsync(token);
        var clients = new[] { stack.App.Http, second.Http };

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await stack.SendWithCartTokenAsync(HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = variant, quantity = 2 }, token, null, clients[i % 2]);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 48 }, await stack.LinesInDatabaseAsync(cart));
    }
}
