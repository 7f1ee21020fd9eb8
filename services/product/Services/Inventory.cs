using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>Stock changes by owners and admins; each one writes a ledger line in the same transaction.</summary>
public sealed class Inventory(ProductDbContext db, IEventOutbox outbox, TimeProvider time)
{
    private const int MaxStock = 1_000_000;

    public async Task<Result<StockLevelDto>> SetAsync(CurrentUser caller, Guid variantId, SetStockRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Stock is not (>= 0 and <= MaxStock))
        {
            errors["stock"] = [$"Required, from 0 to {MaxStock}."];
        }
        if (request.LowStockThreshold is < 0 or > MaxStock)
        {
            errors["lowStockThreshold"] = [$"From 0 to {MaxStock}."];
        }
        ValidateReason(request.Reason, required: false, errors);
        return await ChangeAsync(caller, variantId, errors, StockMovementKind.Set, variant => request.Stock!.Value - variant.Stock, request.LowStockThreshold,
            string.IsNullOrWhiteSpace(request.Reason) ? "set" : request.Reason.Trim(), cancellationToken);
    }

    public async Task<Result<StockLevelDto>> AdjustAsync(CurrentUser caller, Guid variantId, AdjustStockRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Delta is not { } delta || delta == 0 || Math.Abs((long)delta) > MaxStock)
        {
            errors["delta"] = [$"Required, a non-zero whole number from -{MaxStock} to {MaxStock}."];
        }
        ValidateReason(request.Reason, required: true, errors);
        return await ChangeAsync(caller, variantId, errors, StockMovementKind.Adjust, _ => request.Delta!.Value, null, request.Reason?.Trim() ?? "", cancellationToken);
    }

    private async Task<Result<StockLevelDto>> ChangeAsync(
        CurrentUser caller, Guid variantId, Dictionary<string, string[]> errors, StockMovementKind kind, Func<ProductVariant, int> deltaOf, int? threshold, string reason,
        CancellationToken cancellationToken)
    {
        if (!(caller.IsAdmin || caller.IsInRole(UserRoles.ShopOwner)))
        {
            return Error.Forbidden("Only shop owners and administrators manage stock.");
        }
        var owned = await (from v in db.Variants
                           join p in db.Products on v.ProductId equals p.Id
                           where v.Id == variantId && p.DeletedAt == null
                           select new { Variant = v, Product = p, Owner = db.Shops.Where(s => s.Id == p.ShopId).Select(s => (Guid?)s.OwnerId).FirstOrDefault() })
            .SingleOrDefaultAsync(cancellationToken);
        if (owned is null || !(caller.IsAdmin || owned.Owner == caller.Id))
        {
            return Error.NotFound($"Variant {variantId} does not exist.");
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var variant = owned.Variant;
        var delta = deltaOf(variant);
        // The stock change and its ledger line commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Conditional update: concurrent changes (and reservations) cannot drive the stock below zero or lose an update.
        var updated = await db.Variants
            .Where(v => v.Id == variantId && v.Stock + delta >= v.Reserved && v.Stock + delta <= MaxStock)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Stock, v => v.Stock + delta), cancellationToken);
        if (updated == 0)
        {
            return Error.Conflict($"The change would take the stock of variant {variantId} below the reserved units or above {MaxStock}.");
        }
        var thresholdBefore = variant.LowStockThreshold;
        // Our UPDATE holds the row lock until commit: the reloaded row is exactly the state it produced.
        await db.Entry(variant).ReloadAsync(cancellationToken);
        if (threshold is { } t)
        {
            variant.LowStockThreshold = t;
        }
        var now = time.GetUtcNow();
        var availableAfter = variant.Stock - variant.Reserved;
        var availableBefore = availableAfter - delta;
        var product = owned.Product;
        ProductSignals.LowStockIfCrossed(outbox, product.Id, product.Name, variantId, product.ShopId,
            (availableBefore, thresholdBefore), (availableAfter, variant.LowStockThreshold), now);
        // The product's availability flips when this variant gains its first or loses its last unit and no other has any.
        if ((availableBefore > 0) != (availableAfter > 0))
        {
            await ProductSignals.AvailabilityChangedAsync(db, outbox, product.Id, new Dictionary<Guid, int> { [variantId] = delta }, now, cancellationToken);
        }
        var movement = new StockMovement
        {
            VariantId = variantId,
            Kind = kind,
            Delta = delta,
            StockAfter = variant.Stock,
            Reason = reason,
            ActorId = caller.Id,
            At = now,
        };
        db.StockMovements.Add(movement);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // The status is the catalog's: units held for orders are not for sale.
        return new StockLevelDto(variant.Id, variant.Sku, variant.Stock, variant.LowStockThreshold, StockLevels.Of(availableAfter, variant.LowStockThreshold),
            new StockMovementDto(movement.Id, movement.Delta, movement.StockAfter, movement.Reason, movement.ActorId, movement.At));
    }

    private static void ValidateReason(string? reason, bool required, Dictionary<string, string[]> errors)
    {
        if ((required && string.IsNullOrWhiteSpace(reason)) || reason is { Length: > 200 })
        {
            errors["reason"] = [required ? "Required, at most 200 characters." : "At most 200 characters."];
        }
    }
}
