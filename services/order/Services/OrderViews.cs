using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Order.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Order.Services;

/// <summary>Filters of the order lists (all optional).</summary>
public sealed record OrderFilter(string? Status, string? PaymentStatus, Guid? ShopId, Guid? UserId, DateTimeOffset? From, DateTimeOffset? To,
    decimal? MinTotal = null, decimal? MaxTotal = null, string? Sort = null);

/// <summary>
/// Who sees which order: the customer their own, a shop owner the orders of their own shops (shop-service's
/// <c>/api/shops/mine</c> with their token), an admin every one. Anything else answers 404, like a missing order.
/// </summary>
public sealed class OrderViews(OrderDbContext db, MeshReader mesh, IEventOutbox outbox, TimeProvider time)
{
    private IQueryable<ShopOrder> Orders => db.Orders.AsNoTracking().Include(o => o.Checkout).Include(o => o.Lines).Include(o => o.Timeline);

    public async Task<Result<CheckoutView>> CheckoutAsync(Guid id, CurrentUser caller, CancellationToken ct)
    {
        var checkout = await db.Checkouts.AsNoTracking()
            .Include(c => c.Orders).ThenInclude(o => o.Lines)
            .Include(c => c.Orders).ThenInclude(o => o.Timeline)
            .SingleOrDefaultAsync(c => c.Id == id && (c.UserId == caller.Id || caller.IsAdmin), ct);
        return checkout is null ? Error.NotFound($"Checkout {id} does not exist.") : ToView(checkout);
    }

    public async Task<Result<OrderView>> GetAsync(Guid id, CurrentUser caller, CancellationToken ct)
    {
        var order = await Orders.SingleOrDefaultAsync(o => o.Id == id, ct);
        if (order is null || !(order.UserId == caller.Id || caller.IsAdmin || await OwnsShopAsync(caller, order.ShopId, ct)))
        {
            return NotFound(id);
        }
        return ToView(order);
    }

    public async Task<Result<OrderPage>> MineAsync(CurrentUser caller, OrderFilter filter, PageQuery page, CancellationToken ct) =>
        await PageAsync(db.Orders.Where(o => o.UserId == caller.Id), filter, page, ct);

    public async Task<Result<OrderPage>> ShopsAsync(CurrentUser caller, OrderFilter filter, PageQuery page, CancellationToken ct)
    {
        var (scope, error) = await ShopScopeAsync(filter, ct);
        if (error is not null)
        {
            return error;
        }
        return await PageAsync(scope!, filter, page, ct);
    }

    /// <summary>The orders of the caller's shops (one of them with <c>shopId</c>; another's is 404).</summary>
    public async Task<(IQueryable<ShopOrder>? Orders, Error? Error)> ShopScopeAsync(OrderFilter filter, CancellationToken ct)
    {
        var shops = await mesh.MyShopsAsync(ct);
        if (!shops.Found)
        {
            return (null, Error.Unavailable("The shops cannot be checked right now (shop-service is unavailable); try again shortly."));
        }
        var mine = shops.Value!.Select(s => s.Id).ToList();
        if (filter.ShopId is { } shopId && !mine.Contains(shopId))
        {
            return (null, Error.NotFound($"Shop {shopId} does not exist."));
        }
        return (db.Orders.Where(o => mine.Contains(o.ShopId)), null);
    }

    public async Task<Result<OrderPage>> AllAsync(OrderFilter filter, PageQuery page, CancellationToken ct) =>
        await PageAsync(db.Orders, filter, page, ct);

    /// <summary>The shop owner ships their CONFIRMED order: <c>OrderShipped</c> with the tracking number.</summary>
    public async Task<Result<OrderView>> ShipAsync(Guid id, CurrentUser caller, ShipRequest request, CancellationToken ct)
    {
        var fields = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Carrier) || request.Carrier.Trim().Length > 100)
        {
            fields["carrier"] = ["carrier is required (at most 100 characters)."];
        }
        if (string.IsNullOrWhiteSpace(request.TrackingNumber) || request.TrackingNumber.Trim().Length > 100)
        {
            fields["trackingNumber"] = ["trackingNumber is required (at most 100 characters)."];
        }
        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }
        return await FulfilAsync(id, caller, OrderStatus.Confirmed, (order, now) =>
        {
            order.Status = OrderStatus.Shipped;
            order.FulfilmentStatus = FulfilmentStatus.Shipped;
            order.Carrier = request.Carrier!.Trim();
            order.TrackingNumber = request.TrackingNumber!.Trim();
            order.ShippedAt = now;
            outbox.Add(new OrderShipped(order.CheckoutId, order.UserId, order.ShopId, [.. order.Lines.Select(l => l.Id)], order.TrackingNumber,
                order.Checkout.CustomerEmail)
            { OccurredAt = now });
            return ("shipped", $"{order.Carrier} {order.TrackingNumber}");
        }, ct);
    }

    /// <summary>The shop owner marks their SHIPPED order delivered: <c>OrderDelivered</c>.</summary>
    public Task<Result<OrderView>> DeliverAsync(Guid id, CurrentUser caller, CancellationToken ct) =>
        FulfilAsync(id, caller, OrderStatus.Shipped, (order, now) =>
        {
            order.Status = OrderStatus.Delivered;
            order.FulfilmentStatus = FulfilmentStatus.Delivered;
            order.DeliveredAt = now;
            outbox.Add(new OrderDelivered(order.CheckoutId, order.UserId, order.ShopId, [.. order.Lines.Select(l => l.Id)], order.Checkout.CustomerEmail)
            { OccurredAt = now });
            return ("delivered", null);
        }, ct);

    private async Task<Result<OrderView>> FulfilAsync(Guid id, CurrentUser caller, OrderStatus from,
        Func<ShopOrder, DateTimeOffset, (string What, string? Detail)> change, CancellationToken ct)
    {
        var order = await db.Orders.Include(o => o.Checkout).Include(o => o.Lines).Include(o => o.Timeline).SingleOrDefaultAsync(o => o.Id == id, ct);
        // Only the shop's owner fulfils: the customer and other owners get the same 404 as for a missing order.
        if (order is null || !await OwnsShopAsync(caller, order.ShopId, ct))
        {
            return NotFound(id);
        }
        if (order.Status != from)
        {
            return Error.Conflict($"The order is {StatusNames.Wire(order.Status)}; only a {StatusNames.Wire(from)} order can be marked so.");
        }
        var now = time.GetUtcNow();
        var (what, detail) = change(order, now);
        var entry = new TimelineEntry { Id = Guid.CreateVersion7(now), OrderId = order.Id, At = now, Actor = caller.Id.ToString(), What = what, Detail = detail };
        // Added through the set: reached only through the navigation, a new entry with its key set would be taken for an existing row.
        db.Timeline.Add(entry);
        if (!order.Timeline.Contains(entry))
        {
            order.Timeline.Add(entry);
        }
        order.UpdatedAt = now;
        order.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("The order changed meanwhile; read it again.");
        }
        return ToView(order);
    }

    /// <summary>Whether the caller owns the shop (shop-service's <c>/api/shops/mine</c> with their token).</summary>
    public async Task<bool> OwnsShopAsync(CurrentUser caller, Guid shopId, CancellationToken ct) =>
        caller.IsInRole(UserRoles.ShopOwner) && (await mesh.MyShopsAsync(ct)).Value?.Any(s => s.Id == shopId) == true;

    private async Task<Result<OrderPage>> PageAsync(IQueryable<ShopOrder> query, OrderFilter filter, PageQuery page, CancellationToken ct)
    {
        var (filtered, error) = Filter(query, filter);
        if (error is not null)
        {
            return error;
        }
        var total = await filtered!.CountAsync(ct);
        var items = await filtered!.AsNoTracking().Include(o => o.Checkout).Include(o => o.Lines).Include(o => o.Timeline)
            .Skip(page.Offset).Take(page.Size).AsSplitQuery().ToListAsync(ct);
        return new OrderPage([.. items.Select(ToView)], page.Page, page.Size, total);
    }

    /// <summary>
    /// The filters and the order of a list: <c>sort</c> is <c>created</c>, <c>total</c> or <c>status</c>, descending with a
    /// leading <c>-</c> (default <c>-created</c>); the id breaks ties so pages never overlap.
    /// </summary>
    public static (IOrderedQueryable<ShopOrder>? Orders, Error? Error) Filter(IQueryable<ShopOrder> query, OrderFilter filter)
    {
        if (filter.Status is not null)
        {
            if (!StatusNames.TryParse<OrderStatus>(filter.Status, out var status))
            {
                return (null, Error.BadValue("status", "'status' must be one of PENDING, CONFIRMED, SHIPPED, DELIVERED, CANCELLED."));
            }
            query = query.Where(o => o.Status == status);
        }
        if (filter.PaymentStatus is not null)
        {
            if (!StatusNames.TryParse<PaymentStatus>(filter.PaymentStatus, out var payment))
            {
                return (null, Error.BadValue("paymentStatus", "'paymentStatus' must be one of PENDING, PAID, PARTIALLY_REFUNDED, REFUNDED, FAILED."));
            }
            query = query.Where(o => o.PaymentStatus == payment);
        }
        if (filter.MinTotal is { } min && filter.MaxTotal is { } max && min > max)
        {
            return (null, Error.BadValue("minTotal", "'minTotal' must not be more than 'maxTotal'."));
        }
        if (filter.From is { } from && filter.To is { } to && from > to)
        {
            return (null, Error.BadValue("from", "'from' must not be after 'to'."));
        }
        if (filter.ShopId is { } shopId)
        {
            query = query.Where(o => o.ShopId == shopId);
        }
        if (filter.UserId is { } userId)
        {
            query = query.Where(o => o.UserId == userId);
        }
        if (filter.From is { } since)
        {
            query = query.Where(o => o.CreatedAt >= since);
        }
        if (filter.To is { } until)
        {
            query = query.Where(o => o.CreatedAt < until);
        }
        if (filter.MinTotal is { } least)
        {
            query = query.Where(o => o.Total >= least);
        }
        if (filter.MaxTotal is { } most)
        {
            query = query.Where(o => o.Total <= most);
        }
        IOrderedQueryable<ShopOrder>? sorted = filter.Sort switch
        {
            null or "" or "-created" => query.OrderByDescending(o => o.CreatedAt),
            "created" => query.OrderBy(o => o.CreatedAt),
            "total" => query.OrderBy(o => o.Total),
            "-total" => query.OrderByDescending(o => o.Total),
            // Stored as their wire names: alphabetical (CANCELLED, CONFIRMED, DELIVERED, PENDING, SHIPPED).
            "status" => query.OrderBy(o => o.Status),
            "-status" => query.OrderByDescending(o => o.Status),
            _ => null,
        };
        if (sorted is null)
        {
            return (null, Error.BadValue("sort", "'sort' must be one of created, total, status, each optionally with a leading '-' (descending)."));
        }
        var descending = string.IsNullOrEmpty(filter.Sort) || filter.Sort[0] == '-';
        return (descending ? sorted.ThenByDescending(o => o.Id) : sorted.ThenBy(o => o.Id), null);
    }

    private static Error NotFound(Guid id) => Error.NotFound($"Order {id} does not exist.");

    public static CheckoutView ToView(Checkout c) => new(c.Id, c.UserId, c.CartId, StatusNames.Wire(c.Status), StatusNames.Wire(c.PaymentStatus),
        c.Total, c.Currency, c.CancelReason, ToView(c.ShippingAddress), [.. c.Orders.OrderBy(o => o.ShopId).Select(o => ToView(o, c))], c.CreatedAt, c.UpdatedAt);

    public static OrderView ToView(ShopOrder o) => ToView(o, o.Checkout);

    private static OrderView ToView(ShopOrder o, Checkout c) => new(o.Id, o.CheckoutId, o.ShopId, o.UserId, StatusNames.Wire(o.Status),
        StatusNames.Wire(o.PaymentStatus), StatusNames.Wire(o.FulfilmentStatus), o.Total, o.Currency, o.CancelReason, o.CancelledBy, o.Carrier,
        o.TrackingNumber, ToView(o.ShippingAddress ?? c.ShippingAddress),
        [.. o.Lines.OrderBy(l => l.Id).Select(l => new OrderLineView(l.Id, l.ProductId, l.VariantId, l.ShopId, l.ProductName, l.VariantName, l.Quantity,
            l.UnitPrice, l.UnitPrice * l.Quantity, l.Currency, l.CancelledAt is null ? "OPEN" : "CANCELLED", l.CancelReason))],
        [.. o.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TimelineView(t.At, t.Actor, t.What, t.Detail))],
        o.CreatedAt, o.UpdatedAt);

    private static AddressView ToView(ShippingAddress a) => new(a.Recipient, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone);
}
