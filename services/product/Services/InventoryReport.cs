using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>
/// A shop's stock for its owner and admins: per-variant levels with recent sales (the report) and the dashboard counts
/// (the summary). A customer gets 403; another owner's shop is 404, indistinguishable from a missing one.
/// </summary>
public sealed class InventoryReport(ProductDbContext db, TimeProvider time)
{
    public async Task<Result<InventoryReportDto>> ReportAsync(CurrentUser caller, Guid shopId, CancellationToken cancellationToken)
    {
        if (await CheckAccessAsync(caller, shopId, cancellationToken) is { } error)
        {
            return error;
        }
        var now = time.GetUtcNow();
        var since30 = now.AddDays(-30);
        var since7 = now.AddDays(-7);
        var variants = await (from p in db.Products.AsNoTracking()
                              join v in db.Variants.AsNoTracking() on p.Id equals v.ProductId
                              where p.ShopId == shopId && p.DeletedAt == null
                              select new { p.Id, p.Name, Variant = v })
            .ToListAsync(cancellationToken);
        var variantIds = variants.Select(v => v.Variant.Id).ToList();
        // Only the last 30 days' sales, less the units cancelled lines returned: a handful of ledger lines per variant,
        // summed here so both engines agree.
        var sales = await db.StockMovements.AsNoTracking()
            .Where(m => variantIds.Contains(m.VariantId) && (m.Kind == StockMovementKind.Sale || m.Kind == StockMovementKind.Return)
                && m.At >= since30 && m.At <= now)
            .Select(m => new { m.VariantId, Units = -m.Delta, m.At })
            .ToListAsync(cancellationToken);
        var byVariant = sales.ToLookup(s => s.VariantId);
        var rows = variants
            .OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Variant.Sku, StringComparer.Ordinal)
            .Select(v =>
            {
                var variant = v.Variant;
                var available = variant.Stock - variant.Reserved;
                var sold30 = byVariant[variant.Id].Sum(s => s.Units);
                var sold7 = byVariant[variant.Id].Where(s => s.At >= since7).Sum(s => s.Units);
                // Days the available units last at the last 30 days' average daily sales.
                decimal? cover = sold30 > 0 ? Math.Round(available * 30m / sold30, 1, MidpointRounding.AwayFromZero) : null;
                return new InventoryReportRow(v.Id, v.Name, variant.Id, variant.Sku, variant.Name, variant.Stock, variant.Reserved, available,
                    variant.LowStockThreshold, StockLevels.Of(available, variant.LowStockThreshold), sold7, sold30, cover);
            })
            .ToList();
        return new InventoryReportDto(shopId, now, rows);
    }

    public async Task<Result<ShopStockSummaryDto>> SummaryAsync(CurrentUser caller, Guid shopId, CancellationToken cancellationToken)
    {
        if (await CheckAccessAsync(caller, shopId, cancellationToken) is { } error)
        {
            return error;
        }
        var products = await db.Products.AsNoTracking().CountAsync(p => p.ShopId == shopId && p.DeletedAt == null, cancellationToken);
        var levels = await db.Variants.AsNoTracking()
            .Where(v => db.Products.Any(p => p.Id == v.ProductId && p.ShopId == shopId && p.DeletedAt == null))
            .Select(v => new { Available = v.Stock - v.Reserved, v.LowStockThreshold })
            .ToListAsync(cancellationToken);
        var statuses = levels.Select(l => StockLevels.Of(l.Available, l.LowStockThreshold)).ToList();
        return new ShopStockSummaryDto(shopId, products, levels.Count,
            statuses.Count(s => s == StockLevels.LowStock), statuses.Count(s => s == StockLevels.OutOfStock));
    }

    private async Task<Error?> CheckAccessAsync(CurrentUser caller, Guid shopId, CancellationToken cancellationToken)
    {
        if (!(caller.IsAdmin || caller.IsInRole(UserRoles.ShopOwner)))
        {
            return Error.Forbidden("Only shop owners and administrators see stock reports.");
        }
        var owner = await db.Shops.AsNoTracking().Where(s => s.Id == shopId).Select(s => (Guid?)s.OwnerId).SingleOrDefaultAsync(cancellationToken);
        return owner is null || !(caller.IsAdmin || owner == caller.Id)
            ? Error.NotFound($"Shop {shopId} does not exist.")
            : null;
    }
}
