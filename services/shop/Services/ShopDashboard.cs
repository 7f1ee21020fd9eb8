using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Shop.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Shop.Services;

/// <summary>The owner's dashboard: the shop's own state plus counts that other services own.</summary>
public sealed class ShopDashboard(Data.ShopDbContext db, InventoryClient inventory)
{
    /// <summary>
    /// The summary of shop <paramref name="id"/>; not found when it does not exist or <paramref name="caller"/>
    /// is neither its owner nor an administrator (another owner's shop looks exactly like a missing one). A service that does not answer leaves its counts null
    /// and is named in <see cref="ShopSummaryDto.Unavailable"/>: the dashboard degrades, it does not fail.
    /// </summary>
    public async Task<Result<ShopSummaryDto>> SummaryAsync(Guid id, CurrentUser caller, CancellationToken cancellationToken)
    {
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shop is null || !ShopService.CanManage(shop, caller))
        {
            return ShopService.NotFound(id);
        }
        var stock = await inventory.GetSummaryAsync(id, cancellationToken);
        List<string> unavailable = stock is null ? [InventoryClient.AppName] : [];
        // Counted here from order-service's events (OrderEventHandlers): always known, even with order-service down.
        var openOrders = await db.ShopOrders.CountAsync(o => o.ShopId == id && o.Confirmed && !o.Closed, cancellationToken);
        return new ShopSummaryDto(
            shop.Id, shop.Name, ShopService.Label(shop.Status),
            stock?.Products, stock?.Variants, stock?.LowStock, stock?.OutOfStock,
            openOrders,
            unavailable);
    }
}
