using EStore.Contracts.Events;
using EStore.Notification.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Notification.Tests;

/// <summary>
/// The order, payment, stock and shop mails, from the contract events as order-, payment-, product- and shop-service
/// publish them (order-service does not exist yet: the tests publish its events, and payment-service's).
/// </summary>
[Collection(NotificationCollection.Name)]
public sealed class OrderAndShopMailTests(NotificationStack stack)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task An_order_mails_the_customer_at_each_step_and_each_shop_its_own_new_order()
    {
        var (customer, email) = await stack.NewUserAsync();
        var (lamps, _, lampsEmail) = await stack.NewShopAsync("Lamps & Co");
        var (rugs, _, rugsEmail) = await stack.NewShopAsync("Rugs");
        var order = Guid.NewGuid();
        var number = order.ToString("N")[^12..].ToUpperInvariant();
        var eur = (decimal amount) => new Money(amount, "EUR");
        OrderLine[] lines =
        [
            new(Guid.NewGuid(), Guid.NewGuid(), null, lamps, "Desk <lamp>", 2, eur(12.5m)),
            new(Guid.NewGuid(), Guid.NewGuid(), null, rugs, "Wool rug", 1, eur(80m)),
        ];

        await stack.PublishAsync(
            new OrderCreated(order, customer, null, Guid.NewGuid(), lines, eur(105m), new AddressSnapshot("Ann", "Main St 1", null, "Berlin", "10115", "DE")) { OccurredAt = Now },
            new OrderConfirmed(order, customer, null, Guid.NewGuid(), eur(105m)) { OccurredAt = Now },
            new OrderShipped(order, customer, lamps, [lines[0].LineId], "TRACK-123") { OccurredAt = Now },
            new OrderDelivered(order, customer, lamps, [lines[0].LineId]) { OccurredAt = Now });

        var placed = await stack.Smtp.WaitForAsync(email, $"We received your order {number}");
        Assert.Contains("2 x Desk <lamp> at 12.50 EUR from Lamps & Co", placed.TextBody);
        Assert.Contains("1 x Wool rug at 80.00 EUR from Rugs", placed.TextBody);
        Assert.Contains("2 x Desk &lt;lamp&gt; at 12.50 EUR from Lamps &amp; Co<br>", placed.HtmlBody);
        Assert.Contains("Total: 105.00 EUR", placed.TextBody);
        Assert.Contains($"{NotificationStack.StoreUrl}/orders/{order}", placed.TextBody);

        var lampsOrder = await stack.Smtp.WaitForAsync(lampsEmail, $"New order {number} for Lamps & Co");
        Assert.Contains("Desk <lamp>", lampsOrder.TextBody);
        Assert.DoesNotContain("Wool rug", lampsOrder.TextBody);
        var rugsOrder = await stack.Smtp.WaitForAsync(rugsEmail, $"New order {number} for Rugs");
        Assert.DoesNotContain("Desk", rugsOrder.TextBody);

        var confirmed = await stack.Smtp.WaitForAsync(email, $"Your order {number} is confirmed");
        Assert.Contains("105.00 EUR", confirmed.TextBody);
        var shipped = await stack.Smtp.WaitForAsync(email, $"Your order {number} is on its way");
        Assert.Contains("Tracking number: TRACK-123", shipped.TextBody);
        Assert.Contains("Lamps & Co shipped", shipped.TextBody);
        await stack.Smtp.WaitForAsync(email, $"Your order {number} was delivered");
    }

    [Fact]
    public async Task Two_shops_of_one_order_sharing_a_contact_address_get_one_mail_with_both_shops_lines()
    {
        var (customer, email) = await stack.NewUserAsync();
        var (lamps, owner, contact) = await stack.NewShopAsync("Lamps & Co");
        // The same owner's second shop, with the same contact address.
        var rugs = Guid.NewGuid();
        await stack.PublishAsync(new ShopCreated(rugs, owner, "Rugs", contact, ShopStatus.Active) { OccurredAt = Now });
        await Eventually.TrueAsync(async () => await stack.QueryAsync(db => db.Shops.AnyAsync(s => s.ShopId == rugs)), "the second shop known");
        var order = Guid.NewGuid();
        var number = order.ToString("N")[^12..].ToUpperInvariant();
        OrderLine[] lines =
        [
            new(Guid.NewGuid(), Guid.NewGuid(), null, lamps, "Desk lamp", 1, new Money(12.5m, "EUR")),
            new(Guid.NewGuid(), Guid.NewGuid(), null, rugs, "Wool rug", 1, new Money(80m, "EUR")),
        ];

        await stack.PublishAsync(new OrderCreated(order, customer, null, Guid.NewGuid(), lines, new Money(92.5m, "EUR"),
            new AddressSnapshot("Ann", "Main St 1", null, "Berlin", "10115", "DE"))
        { OccurredAt = Now });

        await stack.Smtp.WaitForAsync(email, $"We received your order {number}");
        var shopMail = await stack.Smtp.WaitForAsync(contact, $"New order {number} for Lamps & Co, Rugs");
        Assert.Contains("Desk lamp", shopMail.TextBody);
        Assert.Contains("Wool rug", shopMail.TextBody);
        Assert.Single(await stack.MailsToAsync(contact), m => m.Kind == "shop-new-order");
    }

    [Fact]
    public async Task Cancellation_payment_failure_and_refund_mails_give_the_reason_and_amount()
    {
        var (customer, email) = await stack.NewUserAsync();
        var order = Guid.NewGuid();
        var number = order.ToString("N")[^12..].ToUpperInvariant();

        await stack.PublishAsync(
            new PaymentFailed(Guid.NewGuid(), order, customer, new Money(30m, "USD"), "card declined") { OccurredAt = Now },
            new OrderCancelled(order, customer, CancelledBy.System, "payment failed: card declined") { OccurredAt = Now },
            new PaymentRefunded(Guid.NewGuid(), Guid.NewGuid(), order, customer, new Money(7.25m, "USD"), "cancelled before shipping") { OccurredAt = Now });

        var failed = await stack.Smtp.WaitForAsync(email, $"Payment for order {number} failed");
        Assert.Contains("We could not charge 30.00 USD", failed.TextBody);
        Assert.Contains("Reason: card declined", failed.TextBody);
        var cancelled = await stack.Smtp.WaitForAsync(email, $"Your order {number} was cancelled");
        Assert.Contains("Reason: payment failed: card declined", cancelled.TextBody);
        var refund = await stack.Smtp.WaitForAsync(email, $"Refund of 7.25 USD for order {number}");
        Assert.Contains("Reason: cancelled before shipping", refund.TextBody);
    }

    [Fact]
    public async Task Shop_owners_hear_of_approval_suspension_and_low_stock_at_the_shops_current_address()
    {
        var (shop, owner, firstEmail) = await stack.NewShopAsync("Glass Works");
        var email = $"new-{shop:N}@example.test";
        var product = Guid.NewGuid();

        await stack.PublishAsync(new ShopUpdated(shop, "Glass Works", email) { OccurredAt = Now });
        // Stock events are keyed by product, not shop: only the update's effect orders them after it.
        await Eventually.TrueAsync(async () => await stack.QueryAsync(db => Task.FromResult(db.Shops.Single(s => s.ShopId == shop).Email == email)), "the new address");
        await stack.PublishAsync(
            new ShopStatusChanged(shop, ShopStatus.Active, null) { OccurredAt = Now },
            new LowStockDetected(product, Guid.NewGuid(), shop, 2, 5, "Blue vase") { OccurredAt = Now },
            new ShopStatusChanged(shop, ShopStatus.Suspended, "unpaid fees") { OccurredAt = Now });

        var approved = await stack.Smtp.WaitForAsync(email, "Glass Works is open");
        Assert.Contains($"{NotificationStack.StoreUrl}/shops/{shop}", approved.TextBody);
        var low = await stack.Smtp.WaitForAsync(email, "Low stock at Glass Works: Blue vase");
        Assert.Contains("Blue vase at Glass Works has 2 units left (your threshold is 5)", low.TextBody);
        var suspended = await stack.Smtp.WaitForAsync(email, "Glass Works was suspended");
        Assert.Contains("Reason: unpaid fees", suspended.TextBody);
        Assert.Empty(stack.Smtp.To(firstEmail));
        // The shop's mails are its owner's.
        Assert.All(await stack.MailsToAsync(email), m => Assert.Equal(owner, m.UserId));
    }

    [Fact]
    public async Task A_mail_for_a_user_without_a_known_address_is_not_made()
    {
        var stranger = Guid.NewGuid();
        var (_, email) = await stack.NewUserAsync();
        var user = (await stack.QueryAsync(db => Task.FromResult(db.Recipients.Single(r => r.Email == email)))).UserId;
        var order = Guid.NewGuid();

        await stack.PublishAsync(new OrderConfirmed(order, stranger, null, Guid.NewGuid(), new Money(1m, "EUR")) { OccurredAt = Now });
        await stack.PublishAsync(new OrderConfirmed(order, user, null, Guid.NewGuid(), new Money(1m, "EUR")) { OccurredAt = Now });
        await stack.Smtp.WaitForAsync(email, "is confirmed");

        Assert.Equal(0, await stack.QueryAsync(db => Task.FromResult(db.Mails.Count(m => m.UserId == stranger))));
    }

    [Fact]
    public async Task A_customer_this_service_never_saw_is_mailed_at_the_address_the_order_event_carries()
    {
        var stranger = Guid.NewGuid();
        var email = $"stranger-{stranger:N}@example.test";
        var order = Guid.NewGuid();

        await stack.PublishAsync(
            new OrderConfirmed(order, stranger, null, Guid.NewGuid(), new Money(9.99m, "EUR"), email) { OccurredAt = Now },
            new PaymentRefunded(Guid.NewGuid(), Guid.NewGuid(), order, stranger, new Money(9.99m, "EUR"), "cancelled", email) { OccurredAt = Now });

        var confirmed = await stack.Smtp.WaitForAsync(email, "is confirmed");
        Assert.Contains("9.99 EUR", confirmed.TextBody);
        await stack.Smtp.WaitForAsync(email, "Refund of 9.99 EUR");
        Assert.All(await stack.MailsToAsync(email), m => Assert.Equal(stranger, m.UserId));
    }

    [Fact]
    public async Task A_known_customer_is_mailed_at_their_current_address_not_the_one_in_an_older_event()
    {
        var (customer, email) = await stack.NewUserAsync();
        var stale = $"old-{customer:N}@example.test";

        await stack.PublishAsync(new OrderConfirmed(Guid.NewGuid(), customer, null, Guid.NewGuid(), new Money(5m, "EUR"), stale) { OccurredAt = Now });

        await stack.Smtp.WaitForAsync(email, "is confirmed");
        Assert.Empty(stack.Smtp.To(stale));
    }

    [Fact]
    public async Task A_shop_first_seen_in_ShopUpdated_is_remembered_with_its_owner_and_gets_its_mails()
    {
        var shop = Guid.NewGuid();
        var owner = Guid.NewGuid();
        var email = $"late-{shop:N}@example.test";

        await stack.PublishAsync(new ShopUpdated(shop, "Late Bloomers", email, owner) { OccurredAt = Now });
        await Eventually.TrueAsync(async () => await stack.QueryAsync(db => db.Shops.AnyAsync(s => s.ShopId == shop && s.OwnerId == owner)), "the shop known");
        await stack.PublishAsync(new ShopStatusChanged(shop, ShopStatus.Active, null) { OccurredAt = Now });

        await stack.Smtp.WaitForAsync(email, "Late Bloomers is open");
        Assert.All(await stack.MailsToAsync(email), m => Assert.Equal(owner, m.UserId));
    }
}
