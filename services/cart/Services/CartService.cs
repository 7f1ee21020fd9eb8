using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EStore.Cart.Data;
using EStore.Cart.Dtos;
using EStore.Platform.Data;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Platform.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Cart.Services;

/// <summary>
/// Carts and their lines. Every change of a cart's lines runs in a transaction that first touches the cart row, which
/// locks it: changes of one cart (two tabs, two instances) run one after the other and see each other's lines.
/// </summary>
public sealed class CartService(CartDbContext db, ProductClient products, IOptions<CartOptions> settings, TimeProvider time)
{
    /// <summary>The name of the cart every user gets on first use.</summary>
    public const string DefaultName = "Shopping cart";

    private CartOptions Limits => settings.Value;

    /// <summary>
    /// The caller's carts, default first; the default one is made on first use. An administrator may list another
    /// user's carts (<paramref name="userId"/>) for support, without making any; anyone else naming another user gets 403.
    /// </summary>
    public async Task<Result<IReadOnlyList<CartSummary>>> ListAsync(CurrentUser caller, Guid? userId, CancellationToken cancellationToken)
    {
        if (userId is { } other && other != caller.Id)
        {
            if (!caller.IsAdmin)
            {
                return Error.Forbidden("Only administrators may list another user's carts.");
            }
            return await Summaries(db.Carts.Where(c => c.OwnerId == other).OrderByDescending(c => c.IsDefault).ThenBy(c => c.Id))
                .ToListAsync(cancellationToken);
        }
        await DefaultCartAsync(caller.Id, cancellationToken);
        return await Summaries(db.Carts.Where(c => c.OwnerId == caller.Id).OrderByDescending(c => c.IsDefault).ThenBy(c => c.Id))
            .ToListAsync(cancellationToken);
    }

    public async Task<Result<CartSummary>> CreateAsync(CurrentUser caller, CartRequest request, CancellationToken cancellationToken)
    {
        var name = ValidName(request.Name);
        if (name.Error is { } invalid)
        {
            return invalid;
        }
        await DefaultCartAsync(caller.Id, cancellationToken);
        if (await db.Carts.CountAsync(c => c.OwnerId == caller.Id, cancellationToken) >= Limits.MaxCartsPerUser)
        {
            return Error.Validation("name", $"A user may have at most {Limits.MaxCartsPerUser} carts; delete one first.");
        }
        var now = time.GetUtcNow();
        var cart = new Data.Cart { Id = Guid.CreateVersion7(now), OwnerId = caller.Id, Name = name.Value!, CreatedAt = now, UpdatedAt = now };
        db.Carts.Add(cart);
        await db.SaveChangesAsync(cancellationToken);
        return await SummaryAsync(cart.Id, cancellationToken);
    }

    public async Task<Result<CartSummary>> RenameAsync(CurrentUser caller, Guid id, CartRequest request, CancellationToken cancellationToken)
    {
        var found = await LocateAsync(new UserCartKey(caller, id), change: true, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }
        var name = ValidName(request.Name);
        if (name.Error is { } invalid)
        {
            return invalid;
        }
        var cart = found.Value!;
        cart.Name = name.Value!;
        cart.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return await SummaryAsync(cart.Id, cancellationToken);
    }

    /// <summary>Deletes a cart and its lines; the default cart stays (empty it instead).</summary>
    public async Task<Result> DeleteAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        var found = await LocateAsync(new UserCartKey(caller, id), change: true, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }
        if (found.Value!.IsDefault)
        {
            return Error.Conflict("The default cart cannot be deleted; empty it instead.");
        }
        db.Carts.Remove(found.Value);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success;
    }

    /// <summary>The cart with today's prices and stock from one call to product-service.</summary>
    public async Task<Result<CartView>> GetAsync(CartKey key, CancellationToken cancellationToken)
    {
        var found = await LocateAsync(key, change: false, cancellationToken);
        return found.Error is { } error ? error : await ViewAsync(found.Value!, found.Value!.Lines, cancellationToken);
    }

    /// <summary>Adds units of a variant: to its line when the cart has one, else as a new line.</summary>
    public async Task<Result<CartView>> AddItemAsync(CartKey key, AddItemRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        if (request.VariantId is null || request.VariantId == Guid.Empty)
        {
            fields["variantId"] = ["Required: the id (a UUID) of the product variant to add."];
        }
        CheckQuantity(fields, request.Quantity);
        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }
        var variantId = request.VariantId!.Value;
        return await ChangeLineAsync(key, variantId, existing => existing + request.Quantity!.Value, mustExist: false, cancellationToken);
    }

    /// <summary>Sets the quantity of a line the cart has.</summary>
    public async Task<Result<CartView>> SetQuantityAsync(CartKey key, Guid variantId, SetQuantityRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        CheckQuantity(fields, request.Quantity);
        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }
        return await ChangeLineAsync(key, variantId, _ => request.Quantity!.Value, mustExist: true, cancellationToken);
    }

    public async Task<Result> RemoveItemAsync(CartKey key, Guid variantId, CancellationToken cancellationToken)
    {
        var found = await LocateAsync(key, change: true, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }
        var cart = found.Value!;
        var removed = await db.Lines.Where(l => l.CartId == cart.Id && l.VariantId == variantId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return LineNotFound(variantId);
        }
        await TouchAsync(cart, cancellationToken);
        return Result.Success;
    }

    public async Task<Result> EmptyAsync(CartKey key, CancellationToken cancellationToken)
    {
        var found = await LocateAsync(key, change: true, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }
        await db.Lines.Where(l => l.CartId == found.Value!.Id).ExecuteDeleteAsync(cancellationToken);
        await TouchAsync(found.Value!, cancellationToken);
        return Result.Success;
    }

    /// <summary>A new, empty guest cart and the token that alone reaches it (only its hash is stored).</summary>
    public async Task<(CartView Cart, string Token)> CreateGuestAsync(CancellationToken cancellationToken)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var cart = new Data.Cart { Id = Guid.CreateVersion7(now), GuestTokenHash = HashToken(token), Name = DefaultName, CreatedAt = now, UpdatedAt = now };
        db.Carts.Add(cart);
        await db.SaveChangesAsync(cancellationToken);
        return (await ViewAsync(cart, cancellationToken), token);
    }

    /// <summary>
    /// Moves a guest cart's lines into the caller's default cart (quantities added, capped at the per-line limit) and
    /// deletes the guest cart. If the lines together would exceed the line limit nothing changes (422).
    /// </summary>
    public async Task<Result<CartView>> MergeAsync(CurrentUser caller, string guestToken, CancellationToken cancellationToken)
    {
        var guest = await LocateAsync(new GuestCartKey(guestToken), change: true, cancellationToken);
        if (guest.Error is { } error)
        {
            return error;
        }
        var target = await DefaultCartAsync(caller.Id, cancellationToken);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Lock both carts; a second merge of the same guest cart waits, then finds it gone.
            if (await TouchAsync(target, cancellationToken) == 0 || await TouchAsync(guest.Value!, cancellationToken) == 0)
            {
                return CartErrors.GuestCartNotFound;
            }
            var lines = await db.Lines.Where(l => l.CartId == target.Id).ToDictionaryAsync(l => l.VariantId, cancellationToken);
            var incoming = await db.Lines.AsNoTracking().Where(l => l.CartId == guest.Value!.Id).ToListAsync(cancellationToken);
            var added = incoming.Count(l => !lines.ContainsKey(l.VariantId));
            if (lines.Count + added > Limits.MaxLinesPerCart)
            {
                return Error.Validation("lines", $"Merging would put {lines.Count + added} lines in the cart; at most {Limits.MaxLinesPerCart} are allowed.");
            }
            foreach (var line in incoming)
            {
                if (lines.TryGetValue(line.VariantId, out var mine))
                {
                    mine.Quantity = Math.Min(mine.Quantity + line.Quantity, Limits.MaxQuantityPerLine);
                }
                else
                {
                    line.CartId = target.Id;
                    db.Lines.Add(line);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await db.Carts.Where(c => c.Id == guest.Value!.Id).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();
        return await GetAsync(new UserCartKey(caller, target.Id), cancellationToken);
    }

    private async Task<Result<CartView>> ChangeLineAsync(
        CartKey key, Guid variantId, Func<int, int> newQuantity, bool mustExist, CancellationToken cancellationToken)
    {
        var found = await LocateAsync(key, change: true, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }
        var cart = found.Value!;
        if (mustExist && !await db.Lines.AnyAsync(l => l.CartId == cart.Id && l.VariantId == variantId, cancellationToken))
        {
            return LineNotFound(variantId);
        }
        // Prices and stock come from product-service, never from the client; without it nothing changes.
        var live = await products.LookupAsync([variantId], cancellationToken);
        if (live is null)
        {
            return CartErrors.ProductServiceDown;
        }
        if (!live.TryGetValue(variantId, out var variant))
        {
            return Error.NotFound($"Product variant {variantId} does not exist.");
        }
        if (!variant.IsForSale)
        {
            return Error.Validation("variantId", variant.State == ProductVariant.Hidden
                ? "This variant's shop is not open: it cannot be bought now."
                : "This variant is no longer for sale.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await TouchAsync(cart, cancellationToken) == 0)
        {
            return key is GuestCartKey ? CartErrors.GuestCartNotFound : CartErrors.CartNotFound(cart.Id);
        }
        // Read after the lock: a concurrent add of the same variant has committed its line by now.
        var line = await db.Lines.SingleOrDefaultAsync(l => l.CartId == cart.Id && l.VariantId == variantId, cancellationToken);
        if (mustExist && line is null)
        {
            return LineNotFound(variantId);
        }
        var quantity = newQuantity(line?.Quantity ?? 0);
        if (quantity > Limits.MaxQuantityPerLine)
        {
            return Error.Validation("quantity", $"At most {Limits.MaxQuantityPerLine} units of one variant per cart; the cart has {line?.Quantity ?? 0}.");
        }
        if (quantity > variant.Available!.Value)
        {
            return CartErrors.NotEnoughStock(Math.Max(variant.Available.Value, 0));
        }
        if (line is null)
        {
            if (await db.Lines.CountAsync(l => l.CartId == cart.Id, cancellationToken) >= Limits.MaxLinesPerCart)
            {
                return Error.Validation("variantId", $"A cart holds at most {Limits.MaxLinesPerCart} different variants.");
            }
            db.Lines.Add(new CartLine
            {
                CartId = cart.Id,
                VariantId = variantId,
                ProductId = variant.ProductId!.Value,
                ShopId = variant.ShopId,
                ShopName = variant.ShopName,
                ProductName = variant.ProductName!,
                VariantName = variant.VariantName!,
                Quantity = quantity,
                PriceWhenAdded = variant.Price!.Value,
                Currency = variant.Currency!,
                AddedAt = time.GetUtcNow(),
            });
        }
        else
        {
            line.Quantity = quantity;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return await ViewAsync(cart, cancellationToken);
    }

    /// <summary>
    /// The cart <paramref name="key"/> names, if the caller may see it: its owner, an administrator reading (not
    /// changing: 403), or the holder of a guest cart's token. Anyone else gets the same 404 as for a missing cart.
    /// </summary>
    private async Task<Result<Data.Cart>> LocateAsync(CartKey key, bool change, CancellationToken cancellationToken)
    {
        switch (key)
        {
            case UserCartKey(var caller, var id):
                var cart = await Carts(change).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
                if (cart is not null && cart.OwnerId == caller.Id)
                {
                    return cart;
                }
                if (cart is null || !caller.IsAdmin || (cart.OwnerId is null && Expired(cart)))
                {
                    return CartErrors.CartNotFound(id);
                }
                return change ? CartErrors.ReadOnlyForAdmins : cart;
            case GuestCartKey(var token):
                var hash = HashToken(token);
                var guest = await Carts(change).SingleOrDefaultAsync(c => c.GuestTokenHash == hash && c.OwnerId == null, cancellationToken);
                return guest is null || Expired(guest) ? CartErrors.GuestCartNotFound : guest;
            default:
                throw new ArgumentOutOfRangeException(nameof(key), key, "an unknown kind of cart key");
        }
    }

    // A read takes the lines in the same query; a change works on the cart row alone, tracked.
    private IQueryable<Data.Cart> Carts(bool change) => change ? db.Carts : db.Carts.AsNoTracking().Include(c => c.Lines);

    private bool Expired(Data.Cart guest) => guest.UpdatedAt + TimeSpan.FromDays(Limits.GuestCartLifetimeDays) <= time.GetUtcNow();

    /// <summary>The user's default cart, made on first use (a concurrent first use loses on the unique index and reads the winner's).</summary>
    private async Task<Data.Cart> DefaultCartAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (await db.Carts.SingleOrDefaultAsync(c => c.OwnerId == userId && c.IsDefault, cancellationToken) is { } existing)
        {
            return existing;
        }
        var now = time.GetUtcNow();
        var cart = new Data.Cart { Id = Guid.CreateVersion7(now), OwnerId = userId, Name = DefaultName, IsDefault = true, CreatedAt = now, UpdatedAt = now };
        db.Carts.Add(cart);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return cart;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.Entry(cart).State = EntityState.Detached;
            return await db.Carts.SingleAsync(c => c.OwnerId == userId && c.IsDefault, cancellationToken);
        }
    }

    /// <summary>Marks the cart changed now; the UPDATE also locks its row until the transaction ends. 0 when it is gone.</summary>
    private Task<int> TouchAsync(Data.Cart cart, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        cart.UpdatedAt = now;
        return db.Carts.Where(c => c.Id == cart.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
    }

    private async Task<CartView> ViewAsync(Data.Cart cart, CancellationToken cancellationToken) =>
        await ViewAsync(cart, await db.Lines.AsNoTracking().Where(l => l.CartId == cart.Id).ToListAsync(cancellationToken), cancellationToken);

    private async Task<CartView> ViewAsync(Data.Cart cart, IReadOnlyList<CartLine> stored, CancellationToken cancellationToken)
    {
        var lines = stored.OrderBy(l => l.AddedAt).ThenBy(l => l.VariantId).ToList();
        var live = await products.LookupAsync([.. lines.Select(l => l.VariantId)], cancellationToken);
        var views = lines.Select(line => LineView(line, live)).ToList();
        var totals = views.Where(v => v.LineTotal is not null)
            .GroupBy(v => v.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MoneyTotal(g.Key, g.Sum(v => v.LineTotal!.Value)))
            .ToList();
        return new CartView(cart.Id, cart.Name, cart.IsDefault, cart.OwnerId is null, views, totals, lines.Sum(l => l.Quantity), live is null, cart.UpdatedAt);
    }

    private static CartLineView LineView(CartLine line, IReadOnlyDictionary<Guid, ProductVariant>? live)
    {
        if (live is null)
        {
            // product-service is down: what was stored, marked "price unavailable".
            return new CartLineView(line.VariantId, line.ProductId, line.ProductName, line.VariantName, line.ShopId, line.ShopName, line.Quantity,
                null, line.PriceWhenAdded, false, null, line.Currency, null, null, Unavailable: false, PriceUnavailable: true);
        }
        if (!live.TryGetValue(line.VariantId, out var variant) || !variant.IsForSale)
        {
            // Deleted, hidden or gone since it was added: shown as stored, counted in no total.
            return new CartLineView(line.VariantId, line.ProductId, line.ProductName, line.VariantName, line.ShopId, line.ShopName, line.Quantity,
                null, line.PriceWhenAdded, false, null, line.Currency, null, null, Unavailable: true, PriceUnavailable: false);
        }
        var price = variant.Price!.Value;
        var currency = variant.Currency!;
        return new CartLineView(line.VariantId, line.ProductId, variant.ProductName!, variant.VariantName!, variant.ShopId, variant.ShopName,
            line.Quantity, price, line.PriceWhenAdded, price != line.PriceWhenAdded || currency != line.Currency, price * line.Quantity, currency,
            variant.StockStatus, variant.Available, Unavailable: false, PriceUnavailable: false);
    }

    private void CheckQuantity(Dictionary<string, string[]> fields, int? quantity)
    {
        if (quantity is null || quantity < 1 || quantity > Limits.MaxQuantityPerLine)
        {
            fields["quantity"] = [$"Required: a whole number from 1 to {Limits.MaxQuantityPerLine}."];
        }
    }

    private static Result<string> ValidName(string? name)
    {
        if (name is not null && UnicodeText.FindForbidden(name) is { } forbidden)
        {
            return Error.Validation("name", $"Contains {forbidden}.");
        }
        var clean = name is null ? "" : UnicodeText.Normalize(name);
        if (clean.Length == 0)
        {
            return Error.Validation("name", "Required: the cart's name.");
        }
        return clean.Length > CartLimits.Name ? Error.Validation("name", $"At most {CartLimits.Name} characters.") : clean;
    }

    internal static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static Error LineNotFound(Guid variantId) => Error.NotFound($"Product variant {variantId} is not in this cart.");

    private Task<CartSummary> SummaryAsync(Guid id, CancellationToken cancellationToken) =>
        Summaries(db.Carts.Where(c => c.Id == id)).SingleAsync(cancellationToken);

    private static IQueryable<CartSummary> Summaries(IQueryable<Data.Cart> carts) =>
        carts.AsNoTracking().Select(c => new CartSummary(c.Id, c.Name, c.IsDefault, c.Lines.Count, c.Lines.Sum(l => (int?)l.Quantity) ?? 0, c.UpdatedAt));
}
