using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Notification.Tests.Infrastructure;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Notification.Tests;

/// <summary><c>GET|PUT /api/notifications/preferences</c>: what a user may turn off, and that turned-off mails are not sent.</summary>
[Collection(NotificationCollection.Name)]
public sealed class PreferenceTests(NotificationStack stack)
{
    [Fact]
    public async Task Everything_is_on_until_changed_and_a_change_keeps_what_it_leaves_out()
    {
        var token = stack.Customer(Guid.NewGuid());

        var defaults = await stack.GetAsync("/api/notifications/preferences", token);
        Assert.Equal((true, true, true), Flags(defaults));
        Assert.Equal(["account-security", "orders"], defaults.GetProperty("alwaysSent").EnumerateArray().Select(e => e.GetString()));

        var changed = await PutAsync(token, new { lowStock = false });
        Assert.Equal((true, false, true), Flags(changed));
        Assert.Equal((true, false, true), Flags(await stack.GetAsync("/api/notifications/preferences", token)));
        Assert.Equal((false, false, true), Flags(await PutAsync(token, new { welcome = false })));
    }

    [Fact]
    public async Task Preferences_are_each_users_own()
    {
        var ann = stack.Customer(Guid.NewGuid());
        var bob = stack.Customer(Guid.NewGuid());

        await PutAsync(ann, new { welcome = false, lowStock = false, shopStatus = false });

        Assert.Equal((true, true, true), Flags(await stack.GetAsync("/api/notifications/preferences", bob)));
    }

    [Fact]
    public async Task Turned_off_mails_are_not_sent_but_account_security_and_order_mails_are()
    {
        var (shop, owner, shopEmail) = await stack.NewShopAsync("Quiet Shop");
        var ownerEmail = (await stack.QueryAsync(db => Task.FromResult(db.Recipients.Single(r => r.UserId == owner)))).Email;
        var token = stack.Customer(owner);
        await PutAsync(token, new { welcome = false, lowStock = false, shopStatus = false });
        var now = DateTimeOffset.UtcNow;

        IntegrationEvent[] optional =
        [
            new EmailVerified(owner, ownerEmail, "Owen Owner") { OccurredAt = now },
            new ShopStatusChanged(shop, ShopStatus.Active, null) { OccurredAt = now },
            new LowStockDetected(Guid.NewGuid(), null, shop, 1, 3, "Lamp") { OccurredAt = now },
        ];
        await stack.PublishAsync(optional);
        var reset = SealedToken.Seal(NotificationStack.Key, SealedToken.PasswordResetPurpose, owner, "reset-token-0123456789abcdefghijklmnopqrstuvwxyz");
        var line = new OrderLine(Guid.NewGuid(), Guid.NewGuid(), null, shop, "Lamp", 1, new Money(5m, "EUR"));
        await stack.PublishAsync(
            new PasswordResetRequested(owner, ownerEmail, reset, now.AddHours(1)) { OccurredAt = now },
            new OrderCreated(Guid.NewGuid(), Guid.NewGuid(), null, Guid.NewGuid(), [line], new Money(5m, "EUR"),
                new AddressSnapshot("A", "B", null, "C", "D", "DE"))
            { OccurredAt = now });

        await stack.Smtp.WaitForAsync(ownerEmail, "Reset your");
        await stack.Smtp.WaitForAsync(shopEmail, "New order");
        var ids = optional.Select(e => e.EventId).ToList();
        await Eventually.TrueAsync(async () => await stack.QueryAsync(db => db.Set<InboxMessage>().CountAsync(i => ids.Contains(i.EventId))) == ids.Count,
            "the turned-off mails' events handled");
        Assert.DoesNotContain(stack.Smtp.To(ownerEmail), m => (m.Subject ?? "").StartsWith("Welcome", StringComparison.Ordinal));
        Assert.Single(stack.Smtp.To(shopEmail));
        Assert.Equal(["password-reset", "shop-new-order"], (await stack.MailsToAsync(ownerEmail)).Concat(await stack.MailsToAsync(shopEmail)).Select(m => m.Kind));
    }

    private async Task<JsonElement> PutAsync(string token, object body)
    {
        using var response = await stack.SendAsync(HttpMethod.Put, "/api/notifications/preferences", body, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (bool, bool, bool) Flags(JsonElement preferences) =>
        (preferences.GetProperty("welcome").GetBoolean(), preferences.GetProperty("lowStock").GetBoolean(), preferences.GetProperty("shopStatus").GetBoolean());
}
