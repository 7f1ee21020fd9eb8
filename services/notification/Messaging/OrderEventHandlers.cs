using System.Globalization;
using EStore.Contracts.Events;
using EStore.Notification.Services;
using EStore.Platform.Messaging;
using static EStore.Notification.Services.MailComposer;

namespace EStore.Notification.Messaging;

/// <summary>
/// <c>order.events</c> and <c>payment.events</c>: the customer's order and payment mails, and each shop's new-order
/// mail with its own lines. Order mails cannot be turned off.
/// </summary>
public sealed class OrderEventHandlers(MailComposer mails)
    : IEventHandler<OrderCreated>, IEventHandler<OrderConfirmed>, IEventHandler<OrderCancelled>, IEventHandler<OrderShipped>,
      IEventHandler<OrderDelivered>, IEventHandler<PaymentFailed>, IEventHandler<PaymentRefunded>
{
    public async Task HandleAsync(OrderCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        var contacts = await mails.ShopContactsAsync([.. @event.Lines.Select(l => l.ShopId).Distinct()], cancellationToken);
        // A checkout may span shops: the customer's lines say which shop each comes from.
        await mails.ToCustomerAsync(context, MailKinds.OrderPlaced, @event.UserId, @event.CustomerEmail, new(Order(@event.OrderId))
        {
            ["lines"] = Lines(@event.Lines, l => contacts.TryGetValue(l.ShopId, out var shop) ? $" from {shop.Name}" : ""),
            ["total"] = Format(@event.Total),
        }, cancellationToken);
        // One mail per contact address (a mail is unique by event, kind and address): shops that share one, such as
        // two shops of one owner, get one mail with the lines of each.
        var byAddress = @event.Lines.GroupBy(l => contacts.TryGetValue(l.ShopId, out var shop) ? shop.Email.ToUpperInvariant() : l.ShopId.ToString());
        foreach (var lines in byAddress)
        {
            var shopIds = lines.Select(l => l.ShopId).Distinct().ToList();
            var model = new Dictionary<string, string>
            {
                ["orderNumber"] = OrderNumber(@event.OrderId),
                ["lines"] = Lines([.. lines]),
                [Delivery.MailModel.Path] = $"/shops/{shopIds[0]}/orders",
            };
            if (shopIds.Count > 1)
            {
                model["shopName"] = string.Join(", ", shopIds.Select(id => contacts[id].Name));
            }
            await mails.ToShopAsync(context, MailKinds.ShopNewOrder, shopIds[0], model, cancellationToken);
        }
    }

    public Task HandleAsync(OrderConfirmed @event, EventContext context, CancellationToken cancellationToken) =>
        mails.ToCustomerAsync(context, MailKinds.OrderConfirmed, @event.UserId, @event.CustomerEmail,
            new(Order(@event.OrderId)) { ["total"] = Format(@event.Total) }, cancellationToken);

    public Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken) =>
        mails.ToCustomerAsync(context, MailKinds.OrderCancelled, @event.UserId, @event.CustomerEmail,
            new(Order(@event.OrderId)) { ["reason"] = @event.Reason }, cancellationToken);

    public async Task HandleAsync(OrderShipped @event, EventContext context, CancellationToken cancellationToken) =>
        await mails.ToCustomerAsync(context, MailKinds.OrderShipped, @event.UserId, @event.CustomerEmail, new(Order(@event.OrderId))
        {
            ["shopName"] = await mails.ShopNameAsync(@event.ShopId, cancellationToken),
            ["items"] = @event.LineIds.Count.ToString(CultureInfo.InvariantCulture),
            ["tracking"] = @event.TrackingNumber,
        }, cancellationToken);

    public async Task HandleAsync(OrderDelivered @event, EventContext context, CancellationToken cancellationToken) =>
        await mails.ToCustomerAsync(context, MailKinds.OrderDelivered, @event.UserId, @event.CustomerEmail, new(Order(@event.OrderId))
        {
            ["shopName"] = await mails.ShopNameAsync(@event.ShopId, cancellationToken),
            ["items"] = @event.LineIds.Count.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);

    public Task HandleAsync(PaymentFailed @event, EventContext context, CancellationToken cancellationToken) =>
        mails.ToCustomerAsync(context, MailKinds.PaymentFailed, @event.UserId, @event.CustomerEmail,
            new(Order(@event.OrderId)) { ["amount"] = Format(@event.Amount), ["reason"] = @event.Reason }, cancellationToken);

    public Task HandleAsync(PaymentRefunded @event, EventContext context, CancellationToken cancellationToken) =>
        mails.ToCustomerAsync(context, MailKinds.RefundIssued, @event.UserId, @event.CustomerEmail,
            new(Order(@event.OrderId)) { ["amount"] = Format(@event.Amount), ["reason"] = @event.Reason }, cancellationToken);

    // The values every order mail has: its number and the link to the order.
    private static Dictionary<string, string> Order(Guid orderId) =>
        new() { ["orderNumber"] = OrderNumber(orderId), [Delivery.MailModel.Path] = $"/orders/{orderId}" };

    private static string Lines(IReadOnlyList<OrderLine> lines, Func<OrderLine, string>? suffix = null) =>
        string.Join('\n', lines.Select(l => $"{l.Quantity} x {l.ProductName} at {Format(l.UnitPrice)}{suffix?.Invoke(l)}"));
}
