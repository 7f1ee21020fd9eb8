using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EStore.Product.Data;

/// <summary>
/// Recomputes <see cref="ShopRecord.NormalizedName"/> of the local shop copies written while it was only
/// trimmed and upper-cased (before <see cref="ShopRecord.KeyOf"/> used <c>UnicodeText.ComparisonKey</c>), so the
/// catalog's <c>shopName</c> filter finds old rows the same way as new ones. The key needs ICU, which SQL has not,
/// so it runs in the service at every startup, under the database initializer's lock, and writes only rows whose
/// key changed. The column has no unique index: recomputing can clash with nothing.
/// </summary>
public static partial class ShopNameKeys
{
    /// <summary>Sets every shop's key to <see cref="ShopRecord.KeyOf"/> its name; returns how many changed.</summary>
    public static async Task<int> RecomputeAsync(ProductDbContext db, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var shop in await db.Shops.ToListAsync(cancellationToken))
        {
            var key = ShopRecord.KeyOf(shop.Name);
            if (!string.Equals(key, shop.NormalizedName, StringComparison.Ordinal))
            {
                shop.NormalizedName = key;
                changed++;
            }
        }
        if (changed > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            LogRecomputed(db.GetService<ILoggerFactory>().CreateLogger(typeof(ShopNameKeys)), changed);
        }
        return changed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shop-name keys recomputed for {Count} shops")]
    private static partial void LogRecomputed(ILogger logger, int count);
}
