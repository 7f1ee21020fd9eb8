using EStore.Contracts.Events;
using EStore.Notification.Services;
using EStore.Platform.Messaging;

namespace EStore.Notification.Messaging;

/// <summary>
/// <c>shop.events</c> and <c>product.events</c>: keeps the local copy of shops (name, owner, contact address) and mails
/// their owners when a shop is approved or suspended and when a product runs low.
/// </summary>
public sealed class ShopEventHandlers(MailComposer mails)
    : IEventHandler<ShopCreated>, IEventHandler<ShopUpdated>, IEventHandler<ShopStatusChanged>, IEventHandler<LowStockDetected>
{
    public Task HandleAsync(ShopCreated @event, EventContext context, CancellationToken cancellationToken) =>
        mails.RememberShopAsync(@event.ShopId, @event.OwnerId, @event.Name, @event.ContactEmail, cancellationToken);

    public Task HandleAsync(ShopUpdated @event, EventContext context, CancellationToken cancellationToken) =>
        mails.RememberShopAsync(@event.ShopId, @event.OwnerId, @event.Name, @event.ContactEmail, cancellationToken);

    public Task HandleAsync(ShopStatusChanged @event, EventContext context, CancellationToken cancellationToken)
    {
        var path = new Dictionary<string, string> { [Delivery.MailModel.Path] = $"/shops/{@event.ShopId}" };
        return @event.Status switch
        {
            // Approved, or open again after a suspension.
            ShopStatus.Active => mails.ToShopAsync(context, MailKinds.ShopApproved, @event.ShopId, path, cancellationToken),
            ShopStatus.Suspended => mails.ToShopAsync(context, MailKinds.ShopSuspended, @event.ShopId,
                new(path) { ["reason"] = @event.Reason ?? "none given" }, cancellationToken),
            _ => Task.CompletedTask,
        };
    }

    public Task HandleAsync(LowStockDetected @event, EventContext context, CancellationToken cancellationToken) =>
        mails.ToShopAsync(context, MailKinds.LowStock, @event.ShopId, new()
        {
            [Delivery.MailModel.Path] = $"/products/{@event.ProductId}",
            ["productName"] = @event.ProductName ?? $"Product {@event.ProductId}",
            ["available"] = @event.Available.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threshold"] = @event.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);
}
