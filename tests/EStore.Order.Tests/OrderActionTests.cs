using System.Net;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Order.Tests.Infrastructure;

namespace EStore.Order.Tests;

/// <summary>
/// What a customer, a shop owner or an admin does to an order before it ships: cancel it or one line (with the events
/// product- and payment-service act on), change its address, re-order it; after shipping no change, and another
/// user's order is 404.
/// </summary>
[Collection(OrderCollection.Name)]
public sealed class OrderActionTests(OrderStack stack)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Customer_cancels_a_confirmed_order_and_its_lines_are_refunded_once_even_when_cancelling_twice()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Confirmed, secondLine: true);
        var token = stack.Customer(customer);

        var first = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = "found it cheaper" }, token);
        var second = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = "again" }, token);

        Assert.Equal(("CANCELLED", "found it cheaper", "CUSTOMER"), (Str(first, "status"), Str(first, "cancelReason"), Str(first, "cancelledBy")));
        Assert.All(first.GetProperty("lines").EnumerateArray(), l => Assert.Equal("CANCELLED", Str(l, "status")));
        var entry = first.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("cancelled", customer.ToString()), (Str(entry, "what"), Str(entry, "actor")));
        Assert.Equal(("CANCELLED", "found it cheaper"), (Str(second, "status"), Str(second, "cancelReason")));

        var refund = stack.ConsumeEvent<OrderLineCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal((35m, "EUR", CancelledBy.Customer), (refund.Amount.Amount, refund.Amount.Currency, refund.CancelledBy));
        Assert.Equal(checkout.Orders[0].Lines.Select(l => l.Id).Order(), refund.Lines.Select(l => l.LineId).Order());
        var cancelled = stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal((CancelledBy.Customer, "found it cheaper", checkout.CustomerEmail), (cancelled.CancelledBy, cancelled.Reason, cancelled.CustomerEmail));
        Assert.Equal(1, await stack.OutboxCountAsync("OrderCancelled", checkout.Id));
        Assert.Equal(1, await stack.OutboxCountAsync("OrderLineCancelled", checkout.Id));
        Assert.Equal(OrderStatus.Cancelled, (await stack.CheckoutAsync(checkout.Id)).Status);
    }

    [Fact]
    public async Task Customer_cancelling_a_pending_checkout_ends_the_saga_with_OrderCancelled()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer);

        var order = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", null, stack.Customer(customer));

        Assert.Equal(("CANCELLED", "cancelled by the customer"), (Str(order, "status"), Str(order, "cancelReason")));
        var cancelled = stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal(CancelledBy.Customer, cancelled.CancelledBy);
        Assert.Equal(0, await stack.OutboxCountAsync("OrderLineCancelled", checkout.Id));
    }

    [Fact]
    public async Task A_shipped_order_cannot_be_cancelled_readdressed_or_have_a_line_cancelled()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Shipped);
        var token = stack.Customer(customer);
        var address = stack.Mesh.AddAddress(customer, "2 New Street", "Berlin");

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = "late" }),
            (HttpMethod.Post, $"/api/orders/{checkout.Id}/lines/{checkout.Orders[0].Lines[0].Id}/cancel", null),
            (HttpMethod.Put, $"/api/orders/{checkout.Id}/shipping-address", new { addressId = address }),
        })
        {
            using var response = await stack.SendAsync(method, path, body, token);
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("before it ships", Str(problem, "message"), StringComparison.Ordinal);
        }
        Assert.Equal(0, await stack.OutboxCountAsync("OrderLineCancelled", checkout.Id));
        Assert.Equal(OrderStatus.Shipped, (await stack.CheckoutAsync(checkout.Id)).Status);
    }

    [Fact]
    public async Task Another_customers_order_is_not_found_for_every_action()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid(), status: OrderStatus.Confirmed);
        var stranger = Guid.NewGuid();
        var token = stack.Customer(stranger);
        var address = stack.Mesh.AddAddress(stranger, "3 Other Road", "Paris");
        stack.Mesh.AddCart(stranger);

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = "mine now" }),
            (HttpMethod.Post, $"/api/orders/{checkout.Id}/lines/{checkout.Orders[0].Lines[0].Id}/cancel", null),
            (HttpMethod.Put, $"/api/orders/{checkout.Id}/shipping-address", new { addressId = address }),
            (HttpMethod.Post, $"/api/orders/{checkout.Id}/reorder", null),
        })
        {
            using var response = await stack.SendAsync(method, path, body, token);
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(OrderStatus.Confirmed, (await stack.CheckoutAsync(checkout.Id)).Status);
        Assert.DoesNotContain(stack.Mesh.CartLines, l => l.VariantId == checkout.Orders[0].Lines[0].VariantId);
    }

    [Fact]
    public async Task Cancelling_one_line_refunds_its_amount_and_lowers_the_total_and_the_last_line_cancels_the_order()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Confirmed, secondLine: true);
        var token = stack.Customer(customer);
        var mug = checkout.Orders[0].Lines.Single(l => l.ProductName == "Mug");
        var plate = checkout.Orders[0].Lines.Single(l => l.ProductName == "Plate");

        var afterMug = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/lines/{mug.Id}/cancel", new { reason = "too many mugs" }, token);

        Assert.Equal(("CONFIRMED", 10.00m), (Str(afterMug, "status"), afterMug.GetProperty("total").GetDecimal()));
        var mugEvent = stack.ConsumeEvent<OrderLineCancelled>(e => e.OrderId == checkout.Id && e.Lines.Any(l => l.LineId == mug.Id), Bounded);
        Assert.Equal((25m, "EUR", checkout.Orders[0].ShopId), (mugEvent.Amount.Amount, mugEvent.Amount.Currency, mugEvent.ShopId));
        var mugLine = Assert.Single(mugEvent.Lines);
        Assert.Equal((mug.VariantId, 2, 12.50m), (mugLine.VariantId, mugLine.Quantity, mugLine.UnitPrice.Amount));
        Assert.Equal(0, await stack.OutboxCountAsync("OrderCancelled", checkout.Id));

        var afterPlate = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/lines/{plate.Id}/cancel", null, token);

        Assert.Equal(("CANCELLED", 0m, "CANCELLED"), (Str(afterPlate, "status"), afterPlate.GetProperty("total").GetDecimal(), Str(afterPlate, "fulfilmentStatus")));
        Assert.Equal(["line_cancelled", "line_cancelled", "cancelled"], afterPlate.GetProperty("timeline").EnumerateArray().Select(t => Str(t, "what")));
        var plateEvent = stack.ConsumeEvent<OrderLineCancelled>(e => e.OrderId == checkout.Id && e.Lines.Any(l => l.LineId == plate.Id), Bounded);
        Assert.Equal(10.00m, plateEvent.Amount.Amount);
        stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == checkout.Id, Bounded);
        using var unknownLine = await stack.SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/lines/{Guid.NewGuid()}/cancel", null, token);
        await unknownLine.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancelling_one_shops_order_of_a_two_shop_checkout_refunds_that_shop_only()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer, shops: 2, status: OrderStatus.Confirmed);
        var target = checkout.Orders[0];

        var order = await SendAsync(HttpMethod.Post, $"/api/orders/{target.Id}/cancel", new { reason = "changed my mind" }, stack.Customer(customer));

        Assert.Equal("CANCELLED", Str(order, "status"));
        var refund = stack.ConsumeEvent<OrderLineCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal((target.ShopId, 25m), (refund.ShopId, refund.Amount.Amount));
        var stored = await stack.CheckoutAsync(checkout.Id);
        Assert.Equal(OrderStatus.Confirmed, stored.Status);
        Assert.Equal(OrderStatus.Confirmed, stored.Orders.Single(o => o.Id != target.Id).Status);
        Assert.Equal(0, await stack.OutboxCountAsync("OrderCancelled", checkout.Id));
    }

    [Fact]
    public async Task Customer_changes_the_shipping_address_to_one_of_their_own_and_not_to_someone_elses()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Confirmed);
        var token = stack.Customer(customer);
        var mine = stack.Mesh.AddAddress(customer, "9 Linden Allee", "Berlin");
        var theirs = stack.Mesh.AddAddress(Guid.NewGuid(), "1 Elsewhere", "Rome");

        using (var foreign = await stack.SendAsync(HttpMethod.Put, $"/api/orders/{checkout.Id}/shipping-address", new { addressId = theirs }, token))
        {
            var problem = await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.Contains(theirs.ToString(), Str(problem, "message"), StringComparison.Ordinal);
        }
        var order = await SendAsync(HttpMethod.Put, $"/api/orders/{checkout.Id}/shipping-address", new { addressId = mine }, token);

        var address = order.GetProperty("shippingAddress");
        Assert.Equal(("9 Linden Allee", "Berlin", "DE"), (Str(address, "line1"), Str(address, "city"), Str(address, "country")));
        var entry = order.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("address_changed", customer.ToString()), (Str(entry, "what"), Str(entry, "actor")));
        Assert.Contains("9 Linden Allee", Str(entry, "detail"), StringComparison.Ordinal);
        var read = await stack.GetAsync($"/api/orders/{checkout.Id}", token);
        Assert.Equal("9 Linden Allee", Str(read.GetProperty("shippingAddress"), "line1"));
        using var missing = await stack.SendAsync(HttpMethod.Put, $"/api/orders/{checkout.Id}/shipping-address", new { }, token);
        await missing.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Shop_owner_cancels_an_order_of_their_shop_with_a_reason_and_another_owner_cannot()
    {
        var checkout = await stack.SeedCheckoutAsync(Guid.NewGuid(), status: OrderStatus.Confirmed);
        var owner = Guid.NewGuid();
        stack.Mesh.AddShop(owner, checkout.Orders[0].ShopId);
        var otherOwner = Guid.NewGuid();
        stack.Mesh.AddShop(otherOwner, Guid.NewGuid());

        using (var other = await stack.SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = "not mine" }, stack.ShopOwner(otherOwner)))
        {
            await other.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var noReason = await stack.SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = " " }, stack.ShopOwner(owner)))
        {
            var problem = await noReason.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _), problem.ToString());
        }
        var order = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/cancel", new { reason = "out of stock at the warehouse" }, stack.ShopOwner(owner));

        Assert.Equal(("CANCELLED", "SHOP_OWNER", "out of stock at the warehouse"), (Str(order, "status"), Str(order, "cancelledBy"), Str(order, "cancelReason")));
        var refund = stack.ConsumeEvent<OrderLineCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal((CancelledBy.ShopOwner, 25m), (refund.CancelledBy, refund.Amount.Amount));
        var cancelled = stack.ConsumeEvent<OrderCancelled>(e => e.OrderId == checkout.Id, Bounded);
        Assert.Equal(CancelledBy.ShopOwner, cancelled.CancelledBy);
    }

    [Fact]
    public async Task Reorder_fills_the_customers_cart_with_what_is_still_sold_and_says_why_the_rest_is_not()
    {
        var customer = Guid.NewGuid();
        var checkout = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Delivered, secondLine: true);
        var mug = checkout.Orders[0].Lines.Single(l => l.ProductName == "Mug");
        var plate = checkout.Orders[0].Lines.Single(l => l.ProductName == "Plate");
        stack.Mesh.AddVariant(mug.VariantId, mug.ProductId, available: 5);
        stack.Mesh.AddVariant(plate.VariantId, plate.ProductId, available: 0);
        var cart = stack.Mesh.AddCart(customer);

        var answer = await SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/reorder", null, stack.Customer(customer));

        Assert.Equal(cart, answer.GetProperty("cartId").GetGuid());
        var added = Assert.Single(answer.GetProperty("added").EnumerateArray());
        Assert.Equal((mug.VariantId, 2), (added.GetProperty("variantId").GetGuid(), added.GetProperty("quantity").GetInt32()));
        var notAdded = Assert.Single(answer.GetProperty("notAdded").EnumerateArray());
        Assert.Equal((plate.VariantId, "out_of_stock", 0), (notAdded.GetProperty("variantId").GetGuid(), Str(notAdded, "reason"), notAdded.GetProperty("available").GetInt32()));
        Assert.Equal([(cart, mug.VariantId, 2)], stack.Mesh.CartLines.Where(l => l.CartId == cart));

        using var foreignCart = await stack.SendAsync(HttpMethod.Post, $"/api/orders/{checkout.Id}/reorder", new { cartId = stack.Mesh.AddCart(Guid.NewGuid()) },
            stack.Customer(customer));
        await foreignCart.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, string token)
    {
        using var response = await stack.SendAsync(method, path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string? Str(JsonElement element, string name) => element.GetProperty(name).GetString();
}
