using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Order.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Order.Services;

/// <summary>What a checkout request answers: the checkout (202, or 200 once it has its outcome) or a refusal.</summary>
public sealed record CheckoutAnswer(int StatusCode, CheckoutView? Checkout, Error? Error);

/// <summary>
/// Saga step 1: a cart (or one variant) becomes a checkout with one order per shop and <c>OrderCreated</c>, at today's
/// prices, or is refused at once (409 with per-line reasons). Each request runs once per <c>Idempotency-Key</c>.
/// </summary>
public sealed partial class CheckoutService(
    OrderDbContext db, IEventOutbox outbox, MeshReader mesh, OrderViews views, IOptions<OrderOptions> settings, TimeProvider time,
    ILogger<CheckoutService> logger)
{
    private const string LinesMember = "lines";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long an unfinished first request keeps its key before a retry may take it over (a crashed instance).</summary>
    private TimeSpan Abandoned => TimeSpan.FromSeconds(settings.Value.DependencyTimeoutSeconds * 8 + 30);

    public Task<CheckoutAnswer> CheckoutAsync(CurrentUser caller, string? key, CheckoutRequest request, int waitSeconds, CancellationToken ct) =>
        OnceAsync(caller, key, $"checkout|{request.CartId}|{request.ShippingAddressId}|{request.PaymentMethodId}", waitSeconds,
            () => FromCartAsync(caller, key!, request, ct), ct);

    public Task<CheckoutAnswer> BuyNowAsync(CurrentUser caller, string? key, BuyNowRequest request, int waitSeconds, CancellationToken ct) =>
        OnceAsync(caller, key, $"buy|{request.VariantId}|{request.Quantity}|{request.ShippingAddressId}|{request.PaymentMethodId}", waitSeconds,
            () => BuyAsync(caller, key!, request, ct), ct);

    private async Task<CheckoutAnswer> OnceAsync(CurrentUser caller, string? key, string canonical, int waitSeconds,
        Func<Task<(CheckoutAnswer Answer, IdempotencyRecord Record)>> work, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > OrderLimits.IdempotencyKey)
        {
            return Refuse(Error.BadValue("Idempotency-Key", $"The Idempotency-Key header is required (1 to {OrderLimits.IdempotencyKey} characters)."));
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var claimed = await ClaimAsync(caller.Id, key, hash, ct);
        if (claimed is not null)
        {
            return claimed;
        }
        (CheckoutAnswer Answer, IdempotencyRecord Record) done;
        try
        {
            done = await work();
        }
        catch
        {
            await ReleaseAsync(caller.Id, key);
            throw;
        }
        if (done.Answer.Error is { Kind: ErrorKind.Unavailable })
        {
            // Nothing was stored and nothing is known: the same key may try again.
            await ReleaseAsync(caller.Id, key);
            return done.Answer;
        }
        if (done.Answer.Error is { } refusal)
        {
            done.Record.StatusCode = done.Answer.StatusCode;
            done.Record.Body = JsonSerializer.Serialize(new StoredRefusal(refusal.Message, refusal.Extensions?.GetValueOrDefault(LinesMember) as IReadOnlyList<LineProblem>), Json);
            await db.SaveChangesAsync(CancellationToken.None);
            return done.Answer;
        }
        return await WaitAsync(done.Answer, caller, Math.Clamp(waitSeconds, 0, settings.Value.MaxWaitSeconds), ct);
    }

    /// <summary>
    /// Inserts the key (the primary key lets one of two racing requests in). Null when this request does the work; otherwise
    /// the answer: the first request's, 422 for another body under the key, or 409 while the first is still running.
    /// </summary>
    private async Task<CheckoutAnswer?> ClaimAsync(Guid userId, string key, string hash, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var now = time.GetUtcNow();
            var record = new IdempotencyRecord { UserId = userId, Key = key, RequestHash = hash, CreatedAt = now };
            db.IdempotencyKeys.Add(record);
            try
            {
                await db.SaveChangesAsync(ct);
                return null;
            }
            catch (DbUpdateException)
            {
                db.Entry(record).State = EntityState.Detached;
            }
            var deadline = now + TimeSpan.FromSeconds(settings.Value.DependencyTimeoutSeconds * 4 + settings.Value.MaxWaitSeconds);
            while (true)
            {
                var first = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == userId && k.Key == key, ct);
                var current = time.GetUtcNow();
                if (first is null)
                {
                    break;
                }
                if (first.CreatedAt < current - TimeSpan.FromHours(settings.Value.IdempotencyKeyHours)
                    || (first.StatusCode is null && first.CreatedAt < current - Abandoned))
                {
                    // Expired, or its request died half way: the key is free again.
                    await db.IdempotencyKeys.Where(k => k.UserId == userId && k.Key == key && k.CreatedAt == first.CreatedAt).ExecuteDeleteAsync(ct);
                    break;
                }
                if (first.RequestHash != hash)
                {
                    return Refuse(Error.Validation("Idempotency-Key", "This Idempotency-Key was used with another request body."));
                }
                if (first.StatusCode is { } status)
                {
                    return Replay(status, first.Body);
                }
                if (current > deadline)
                {
                    return Refuse(Error.Conflict("A request with this Idempotency-Key is still being handled; retry shortly."));
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
            }
        }
        return Refuse(Error.Conflict("A request with this Idempotency-Key is still being handled; retry shortly."));
    }

    private static CheckoutAnswer Replay(int status, string? body)
    {
        if (status is StatusCodes.Status202Accepted or StatusCodes.Status200OK)
        {
            return new(status, JsonSerializer.Deserialize<CheckoutView>(body!, Json), null);
        }
        var stored = JsonSerializer.Deserialize<StoredRefusal>(body!, Json)!;
        var kind = status switch
        {
            StatusCodes.Status404NotFound => ErrorKind.NotFound,
            StatusCodes.Status409Conflict => ErrorKind.Conflict,
            StatusCodes.Status422UnprocessableEntity => ErrorKind.Validation,
            _ => ErrorKind.BadRequest,
        };
        var error = new Error(kind, stored.Message);
        return new(status, null, stored.Lines is null ? error : WithLines(error, stored.Lines));
    }

    private async Task ReleaseAsync(Guid userId, string key) =>
        await db.IdempotencyKeys.Where(k => k.UserId == userId && k.Key == key && k.StatusCode == null).ExecuteDeleteAsync(CancellationToken.None);

    private async Task<(CheckoutAnswer, IdempotencyRecord)> FromCartAsync(CurrentUser caller, string key, CheckoutRequest request, CancellationToken ct)
    {
        var record = await db.IdempotencyKeys.SingleAsync(k => k.UserId == caller.Id && k.Key == key, ct);
        if (request.CartId is not { } cartId)
        {
            return (Refuse(Error.Validation("cartId", "cartId is required.")), record);
        }
        var cart = await mesh.CartAsync(cartId, ct);
        if (cart.Missing || (cart.Found && caller.IsAdmin && !await IsOwnCartAsync(cartId, ct)))
        {
            return (Refuse(Error.NotFound($"Cart {cartId} does not exist.")), record);
        }
        if (cart.Down)
        {
            return (Refuse(Unavailable("cart-service")), record);
        }
        if (cart.Value!.Lines.Count == 0)
        {
            return (Refuse(Error.Conflict("The cart is empty.")), record);
        }
        var wanted = cart.Value.Lines.GroupBy(l => l.VariantId).Select(g => (g.Key, g.Sum(l => l.Quantity))).ToList();
        return (await PlaceAsync(caller, record, cartId, wanted, request.ShippingAddressId, request.PaymentMethodId, ct), record);
    }

    private async Task<(CheckoutAnswer, IdempotencyRecord)> BuyAsync(CurrentUser caller, string key, BuyNowRequest request, CancellationToken ct)
    {
        var record = await db.IdempotencyKeys.SingleAsync(k => k.UserId == caller.Id && k.Key == key, ct);
        var max = settings.Value.MaxQuantityPerLine;
        var fields = new Dictionary<string, string[]>();
        if (request.VariantId is null)
        {
            fields["variantId"] = ["variantId is required."];
        }
        if (request.Quantity is not { } quantity || quantity < 1 || quantity > max)
        {
            fields["quantity"] = [$"quantity must be from 1 to {max}."];
        }
        if (fields.Count > 0)
        {
            return (Refuse(Error.Validation(fields)), record);
        }
        return (await PlaceAsync(caller, record, null, [(request.VariantId!.Value, request.Quantity!.Value)], request.ShippingAddressId, request.PaymentMethodId, ct), record);
    }

    private async Task<bool> IsOwnCartAsync(Guid cartId, CancellationToken ct) =>
        (await mesh.CartsAsync(ct)).Value?.Any(c => c.Id == cartId) == true;

    private async Task<CheckoutAnswer> PlaceAsync(CurrentUser caller, IdempotencyRecord record, Guid? cartId, IReadOnlyList<(Guid VariantId, int Quantity)> wanted,
        Guid? addressId, Guid? paymentMethodId, CancellationToken ct)
    {
        var variantsTask = mesh.VariantsAsync([.. wanted.Select(w => w.VariantId)], ct);
        var addressTask = ShippingAddressAsync(addressId, ct);
        var methodTask = PaymentMethodAsync(paymentMethodId, ct);
        var meTask = mesh.MeAsync(ct);
        await Task.WhenAll(variantsTask, addressTask, methodTask, meTask);

        if (addressTask.Result.Error is { } addressError)
        {
            return Refuse(addressError);
        }
        if (methodTask.Result.Error is { } methodError)
        {
            return Refuse(methodError);
        }
        var variants = variantsTask.Result;
        if (variants.Down)
        {
            return Refuse(Unavailable("product-service"));
        }
        if (!meTask.Result.Found || string.IsNullOrWhiteSpace(meTask.Result.Value!.Email))
        {
            return Refuse(Unavailable("identity-service"));
        }

        var problems = new List<LineProblem>();
        var priced = new List<(VariantRead Variant, int Quantity)>();
        string? currency = null;
        foreach (var (variantId, quantity) in wanted)
        {
            if (!variants.Value!.TryGetValue(variantId, out var variant) || !variant.ForSale)
            {
                problems.Add(new(variantId, "unavailable", quantity, null));
            }
            else if (variant.Available < quantity)
            {
                problems.Add(new(variantId, variant.Available <= 0 ? "out_of_stock" : "insufficient_stock", quantity, variant.Available));
            }
            else if ((currency ??= variant.Currency) != variant.Currency)
            {
                problems.Add(new(variantId, "currency_mismatch", quantity, variant.Available));
            }
            else
            {
                priced.Add((variant, quantity));
            }
        }
        if (problems.Count > 0)
        {
            return Refuse(WithLines(Error.Conflict("Some lines cannot be ordered; see lines for why."), problems));
        }

        var checkout = Build(caller, record, cartId, priced, addressTask.Result.Value!, methodTask.Result.Value, meTask.Result.Value!.Email);
        db.Checkouts.Add(checkout);
        var lines = checkout.Orders.SelectMany(o => o.Lines)
            .Select(l => new Contracts.Events.OrderLine(l.Id, l.ProductId, l.VariantId, l.ShopId, l.ProductName, l.Quantity, new Money(l.UnitPrice, l.Currency)))
            .ToList();
        var address = checkout.ShippingAddress;
        outbox.Add(new OrderCreated(checkout.Id, caller.Id, cartId, checkout.PaymentMethodId, lines, new Money(checkout.Total, checkout.Currency),
            new AddressSnapshot(address.Recipient, address.Line1, address.Line2, address.City, address.PostalCode, address.Country), checkout.CustomerEmail)
        { OccurredAt = checkout.CreatedAt });
        var view = OrderViews.ToView(checkout);
        // The key's first answer commits with the checkout and its event: a replay can never find one without the other.
        record.StatusCode = StatusCodes.Status202Accepted;
        record.Body = JsonSerializer.Serialize(view, Json);
        await db.SaveChangesAsync(CancellationToken.None);
        LogPlaced(checkout.Id, checkout.Orders.Count);
        return new(StatusCodes.Status202Accepted, view, null);
    }

    private Checkout Build(CurrentUser caller, IdempotencyRecord record, Guid? cartId, List<(VariantRead Variant, int Quantity)> priced,
        AddressRead address, Guid paymentMethodId, string email)
    {
        var now = time.GetUtcNow();
        var checkout = new Checkout
        {
            Id = Guid.CreateVersion7(now),
            UserId = caller.Id,
            CustomerEmail = email,
            CartId = cartId,
            PaymentMethodId = paymentMethodId,
            Currency = priced[0].Variant.Currency!,
            Status = OrderStatus.Pending,
            PaymentStatus = PaymentStatus.Pending,
            ShippingAddress = address.ToSnapshot(),
            IdempotencyKey = record.Key,
            RequestHash = record.RequestHash,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var shops = priced.GroupBy(p => p.Variant.ShopId!.Value).OrderBy(g => g.Key).ToList();
        foreach (var shop in shops)
        {
            // A single-shop checkout and its order are one thing to the shopper: the same id.
            var order = new ShopOrder
            {
                Id = shops.Count == 1 ? checkout.Id : Guid.CreateVersion7(now),
                CheckoutId = checkout.Id,
                ShopId = shop.Key,
                UserId = caller.Id,
                Status = OrderStatus.Pending,
                PaymentStatus = PaymentStatus.Pending,
                FulfilmentStatus = FulfilmentStatus.Unfulfilled,
                Currency = checkout.Currency,
                CreatedAt = now,
                UpdatedAt = now,
            };
            foreach (var (variant, quantity) in shop)
            {
                order.Lines.Add(new OrderItem
                {
                    Id = Guid.CreateVersion7(now),
                    OrderId = order.Id,
                    ProductId = variant.ProductId!.Value,
                    VariantId = variant.VariantId,
                    ShopId = shop.Key,
                    ProductName = variant.ProductName!,
                    VariantName = variant.VariantName ?? "",
                    Quantity = quantity,
                    UnitPrice = variant.Price!.Value,
                    Currency = checkout.Currency,
                });
            }
            order.Total = order.Lines.Sum(l => l.UnitPrice * l.Quantity);
            order.Timeline.Add(new TimelineEntry
            {
                Id = Guid.CreateVersion7(now),
                OrderId = order.Id,
                At = now,
                Actor = caller.Id.ToString(),
                What = "created",
                Detail = $"{order.Lines.Sum(l => l.Quantity)} units, {order.Total} {order.Currency}",
            });
            checkout.Orders.Add(order);
        }
        checkout.Total = checkout.Orders.Sum(o => o.Total);
        return checkout;
    }

    private async Task<Result<AddressRead>> ShippingAddressAsync(Guid? id, CancellationToken ct)
    {
        if (id is { } chosen)
        {
            var one = await mesh.AddressAsync(chosen, ct);
            return one.Found ? one.Value! : one.Missing ? Error.NotFound($"Address {chosen} does not exist.") : Unavailable("address-service");
        }
        var all = await mesh.AddressesAsync(ct);
        if (!all.Found)
        {
            return Unavailable("address-service");
        }
        return all.Value!.FirstOrDefault(a => a.IsDefaultShipping) is { } fallback
            ? fallback
            : Error.Validation("shippingAddressId", "No default shipping address: name one or set a default.");
    }

    private async Task<Result<Guid>> PaymentMethodAsync(Guid? id, CancellationToken ct)
    {
        if (id is { } chosen)
        {
            var one = await mesh.PaymentMethodAsync(chosen, ct);
            return one.Found ? one.Value!.Id : one.Missing ? Error.NotFound($"Payment method {chosen} does not exist.") : Unavailable("payment-service");
        }
        var all = await mesh.PaymentMethodsAsync(ct);
        if (!all.Found)
        {
            return Unavailable("payment-service");
        }
        return all.Value!.FirstOrDefault(m => m.IsDefault) is { } fallback
            ? fallback.Id
            : Error.Validation("paymentMethodId", "No default payment method: name one or set a default.");
    }

    /// <summary>With <c>?waitSeconds=N</c>: the checkout once it has its outcome (200), or as it stands when the time is up (202).</summary>
    private async Task<CheckoutAnswer> WaitAsync(CheckoutAnswer placed, CurrentUser caller, int waitSeconds, CancellationToken ct)
    {
        if (waitSeconds == 0 || placed.Checkout is null)
        {
            return placed;
        }
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(waitSeconds);
        while (true)
        {
            var view = await views.CheckoutAsync(placed.Checkout.Id, caller, ct);
            if (view.Value is { } current && current.Status != StatusNames.Wire(OrderStatus.Pending))
            {
                return new(StatusCodes.Status200OK, current, null);
            }
            if (time.GetUtcNow() >= until)
            {
                return new(StatusCodes.Status202Accepted, view.Value ?? placed.Checkout, null);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    private static Error WithLines(Error error, IReadOnlyList<LineProblem> lines) =>
        error with { Extensions = new Dictionary<string, object?> { [LinesMember] = lines } };

    private static Error Unavailable(string service) =>
        Error.Unavailable($"The checkout cannot be made right now ({service} is unavailable); nothing was stored, try again shortly.");

    private static CheckoutAnswer Refuse(Error error) => new(error.Status, null, error);

    private sealed record StoredRefusal(string Message, IReadOnlyList<LineProblem>? Lines);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout {CheckoutId} placed with {Orders} orders")]
    private partial void LogPlaced(Guid checkoutId, int orders);
}
