using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Order.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Order.Services;

/// <summary>
/// What the customer (and a shop owner or admin) may do to an order before it ships: cancel it or one line, change its
/// address, and re-order it into a cart. Each change, its timeline entry and its events commit in one transaction under
/// the order's and the checkout's versions, so a saga outcome arriving meanwhile and the change never both win.
/// </summary>
public sealed class OrderActions(OrderDbContext db, OrderViews views, Saga saga, MeshReader mesh, IEventOutbox outbox, TimeProvider time)
{
    /// <summary>
    /// Cancels the whole order: by its customer, the owner of its shop (a reason is required) or an admin. A PENDING
    /// checkout ends through the saga (<c>OrderCancelled</c>: reservation released, payment not taken or refunded); a
    /// CONFIRMED order's lines are cancelled (<c>OrderLineCancelled</c> with the amount: refunded, units back), and
    /// when no order of the checkout is left open <c>OrderCancelled</c> follows. A second cancel answers the same order.
    /// </summary>
    public async Task<Result<OrderView>> CancelAsync(Guid id, CurrentUser caller, CancelRequest request, CancellationToken ct)
    {
        var order = await LoadAsync(id, ct);
        if (order is null)
        {
            return NotFound(id);
        }
        CancelledBy by;
        if (order.UserId == caller.Id)
        {
            by = CancelledBy.Customer;
        }
        else if (await views.OwnsShopAsync(caller, order.ShopId, ct))
        {
            by = CancelledBy.ShopOwner;
        }
        else if (caller.IsAdmin)
        {
            by = CancelledBy.Admin;
        }
        else
        {
            return NotFound(id);
        }
        if (Reason(request, required: by != CancelledBy.Customer) is { Error: { } invalid })
        {
            return invalid;
        }
        if (order.Status == OrderStatus.Cancelled)
        {
            return OrderViews.ToView(order);
        }
        if (NotBeforeShipping(order) is { } late)
        {
            return late;
        }
        var why = Reason(request, false).Value ?? "cancelled by the customer";
        var checkout = order.Checkout;
        if (order.Status == OrderStatus.Pending)
        {
            // Nothing is paid or sold yet and the checkout is paid as one: only a checkout of one order ends here.
            if (checkout.Orders.Count > 1)
            {
                return Error.Conflict("The checkout is still being paid for; its orders can be cancelled one by one once it is confirmed.");
            }
            saga.Cancel(checkout, why, by, caller.Id.ToString());
        }
        else
        {
            CancelLines(order, [.. order.Lines.Where(l => l.CancelledAt is null)], why, by, caller, wholeOrder: true);
        }
        return await SaveAsync(order, ct);
    }

    /// <summary>The customer cancels one line of a CONFIRMED order: <c>OrderLineCancelled</c> with its amount; the last open line cancels the order.</summary>
    public async Task<Result<OrderView>> CancelLineAsync(Guid id, Guid lineId, CurrentUser caller, CancelRequest request, CancellationToken ct)
    {
        if (Reason(request, required: false) is { Error: { } invalid })
        {
            return invalid;
        }
        var order = await LoadAsync(id, ct);
        if (order is null || order.UserId != caller.Id)
        {
            return NotFound(id);
        }
        var line = order.Lines.SingleOrDefault(l => l.Id == lineId);
        if (line is null)
        {
            return Error.NotFound($"Line {lineId} of order {id} does not exist.");
        }
        if (line.CancelledAt is not null || order.Status == OrderStatus.Cancelled)
        {
            return OrderViews.ToView(order);
        }
        if (NotBeforeShipping(order) is { } late)
        {
            return late;
        }
        if (order.Status == OrderStatus.Pending)
        {
            return Error.Conflict("The order is still being paid for; a line can be cancelled once it is CONFIRMED (or cancel the whole order).");
        }
        CancelLines(order, [line], Reason(request, false).Value ?? "cancelled by the customer", CancelledBy.Customer, caller, wholeOrder: false);
        return await SaveAsync(order, ct);
    }

    /// <summary>The customer sends an order that has not shipped to another of their addresses (read from address-service with their token).</summary>
    public async Task<Result<OrderView>> ChangeAddressAsync(Guid id, CurrentUser caller, ShippingAddressRequest request, CancellationToken ct)
    {
        if (request.AddressId is not { } addressId)
        {
            return Error.Validation("addressId", "addressId is required.");
        }
        var order = await LoadAsync(id, ct);
        if (order is null || order.UserId != caller.Id)
        {
            return NotFound(id);
        }
        if (NotBeforeShipping(order) is { } late)
        {
            return late;
        }
        if (order.Status == OrderStatus.Cancelled)
        {
            return Error.Conflict("The order is CANCELLED; its address can no longer be changed.");
        }
        var address = await mesh.AddressAsync(addressId, ct);
        if (!address.Found)
        {
            return address.Missing
                ? Error.NotFound($"Address {addressId} does not exist.")
                : Error.Unavailable("The address cannot be read right now (address-service is unavailable); try again shortly.");
        }
        var snapshot = address.Value!.ToSnapshot();
        order.ShippingAddress = snapshot;
        Record(order, caller.Id.ToString(), "address_changed",
            $"{snapshot.Recipient}, {snapshot.Line1}, {snapshot.PostalCode} {snapshot.City}, {snapshot.Country}".Replace(" ,", ",", StringComparison.Ordinal));
        return await SaveAsync(order, ct);
    }

    /// <summary>
    /// Puts the order's lines into one of the customer's carts (cart-service with their token; the first cart when none
    /// is named) where product-service still sells them in that quantity; answers what was added and what not, and why.
    /// </summary>
    public async Task<Result<ReorderView>> ReorderAsync(Guid id, CurrentUser caller, ReorderRequest request, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == id, ct);
        if (order is null || order.UserId != caller.Id)
        {
            return NotFound(id);
        }
        var cartId = await CartAsync(request.CartId, ct);
        if (cartId.Error is { } noCart)
        {
            return noCart;
        }
        var wanted = order.Lines.GroupBy(l => l.VariantId)
            .Select(g => (VariantId: g.Key, g.First().ProductId, g.First().ProductName, Quantity: g.Sum(l => l.Quantity))).ToList();
        var variants = await mesh.VariantsAsync([.. wanted.Select(w => w.VariantId)], ct);
        if (!variants.Found)
        {
            return Error.Unavailable("The products cannot be checked right now (product-service is unavailable); try again shortly.");
        }
        var added = new List<ReorderedLine>();
        var notAdded = new List<NotReorderedLine>();
        foreach (var (variantId, productId, name, quantity) in wanted)
        {
            var variant = variants.Value!.GetValueOrDefault(variantId);
            var reason = variant is not { ForSale: true } ? "unavailable"
                : variant.Available <= 0 ? "out_of_stock"
                : variant.Available < quantity ? "insufficient_stock"
                : null;
            if (reason is not null)
            {
                notAdded.Add(new(variantId, productId, name, quantity, variant?.Available, reason, null));
                continue;
            }
            // One line after another: cart-service serialises changes of one cart anyway.
            var answer = await mesh.AddToCartAsync(cartId.Value, variantId, quantity, ct);
            if (answer.Added)
            {
                added.Add(new(variantId, productId, name, quantity));
            }
            else
            {
                notAdded.Add(new(variantId, productId, name, quantity, variant?.Available,
                    answer.Status is null ? "cart_unavailable" : answer.Error ?? "refused_by_cart", answer.Message));
            }
        }
        return new ReorderView(cartId.Value, added, notAdded);
    }

    private async Task<Result<Guid>> CartAsync(Guid? chosen, CancellationToken ct)
    {
        const string down = "The cart cannot be read right now (cart-service is unavailable); try again shortly.";
        if (chosen is { } cartId)
        {
            var cart = await mesh.CartAsync(cartId, ct);
            return cart.Found ? cartId : cart.Missing ? Error.NotFound($"Cart {cartId} does not exist.") : Error.Unavailable(down);
        }
        var carts = await mesh.CartsAsync(ct);
        if (!carts.Found)
        {
            return Error.Unavailable(down);
        }
        return carts.Value!.FirstOrDefault() is { } first ? first.Id : Error.Conflict("You have no cart to fill; create one first.");
    }

    private void CancelLines(ShopOrder order, List<OrderItem> lines, string why, CancelledBy by, CurrentUser caller, bool wholeOrder)
    {
        var now = time.GetUtcNow();
        var checkout = order.Checkout;
        var byName = StatusNames.Wire(by);
        foreach (var line in lines)
        {
            line.CancelledAt = now;
            line.CancelReason = why;
        }
        var amount = lines.Sum(l => l.UnitPrice * l.Quantity);
        var actor = caller.Id.ToString();
        if (lines.Count > 0)
        {
            // The exact lines and amount: payment-service refunds this much, product-service takes the units back.
            outbox.Add(new OrderLineCancelled(checkout.Id, order.UserId, order.ShopId,
                [.. lines.Select(l => new OrderLine(l.Id, l.ProductId, l.VariantId, l.ShopId, l.ProductName, l.Quantity, new Money(l.UnitPrice, l.Currency)))],
                new Money(amount, order.Currency), by, why, checkout.CustomerEmail)
            { OccurredAt = now });
        }
        if (!wholeOrder)
        {
            // The order's total is what is still ordered; a whole cancelled order keeps what it was worth.
            order.Total -= amount;
            Record(order, actor, "line_cancelled", string.Join("; ", lines.Select(l => $"{l.ProductName} x{l.Quantity}")) + $": {why}", now);
        }
        if (order.Lines.Any(l => l.CancelledAt is null))
        {
            return;
        }
        order.Status = OrderStatus.Cancelled;
        order.FulfilmentStatus = FulfilmentStatus.Cancelled;
        order.CancelReason = why;
        order.CancelledBy = byName;
        // A microsecond later (what PostgreSQL keeps): the timeline shows the line's cancellation, then the order's.
        Record(order, actor, "cancelled", why, wholeOrder ? now : now.AddMicroseconds(1));
        if (checkout.Orders.All(o => o.Status == OrderStatus.Cancelled))
        {
            // Nothing of the checkout is left: announced as such (its refund and units already went with the lines above).
            checkout.Status = OrderStatus.Cancelled;
            checkout.CancelReason = why;
            checkout.CancelledBy = byName;
            outbox.Add(new OrderCancelled(checkout.Id, checkout.UserId, by, why, checkout.CustomerEmail) { OccurredAt = now });
        }
    }

    private void Record(ShopOrder order, string actor, string what, string? detail, DateTimeOffset? at = null)
    {
        var now = at ?? time.GetUtcNow();
        var entry = new TimelineEntry
        {
            Id = Guid.CreateVersion7(now),
            OrderId = order.Id,
            At = now,
            Actor = actor,
            What = what,
            Detail = detail is { Length: > OrderLimits.Reason } ? detail[..OrderLimits.Reason] : detail,
        };
        // Added through the set: reached only through the navigation, a new entry with its key set would be taken for an existing row.
        db.Timeline.Add(entry);
        if (!order.Timeline.Contains(entry))
        {
            order.Timeline.Add(entry);
        }
    }

    private async Task<Result<OrderView>> SaveAsync(ShopOrder order, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Both versions move: a saga outcome saved meanwhile (under the checkout's) makes this save fail, and the reverse.
        order.UpdatedAt = now;
        order.Version++;
        order.Checkout.UpdatedAt = now;
        order.Checkout.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("The order changed meanwhile; read it again.");
        }
        return OrderViews.ToView(order);
    }

    private Task<ShopOrder?> LoadAsync(Guid id, CancellationToken ct) =>
        db.Orders.Include(o => o.Checkout).ThenInclude(c => c.Orders).ThenInclude(o => o.Lines)
            .Include(o => o.Checkout).ThenInclude(c => c.Orders).ThenInclude(o => o.Timeline)
            .AsSplitQuery().SingleOrDefaultAsync(o => o.Id == id, ct);

    private static Error? NotBeforeShipping(ShopOrder order) => order.Status is OrderStatus.Shipped or OrderStatus.Delivered
        ? Error.Conflict($"The order is {StatusNames.Wire(order.Status)}: it can only be changed or cancelled before it ships.")
        : null;

    private static Result<string?> Reason(CancelRequest request, bool required)
    {
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (reason is null && required)
        {
            return Error.Validation("reason", "reason is required: the customer is told why their order is cancelled.");
        }
        if (reason is { Length: > OrderLimits.Reason })
        {
            return Error.Validation("reason", $"reason must be at most {OrderLimits.Reason} characters.");
        }
        return reason;
    }

    private static Error NotFound(Guid id) => Error.NotFound($"Order {id} does not exist.");
}
