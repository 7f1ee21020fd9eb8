using EStore.Platform.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EStore.Shop.Data;

/// <summary>
/// Fills <see cref="Shop.NameSkeleton"/> for shops written before the column existed (migration
/// <c>ShopNameSkeleton</c> adds it empty: the skeleton needs ICU, which SQL has not). Runs at every startup, under the
/// database initializer's lock, and touches only rows still without one. When two old shops look alike the older
/// keeps the skeleton and the newer stays without one (logged with both names for an administrator to rename or
/// suspend): it blocks no one, but a third lookalike is still refused by the first one's skeleton.
/// </summary>
public static partial class ShopSkeletons
{
    /// <summary>Computes the skeleton of every shop that has none; returns how many were filled.</summary>
    public static async Task<int> BackfillAsync(ShopDbContext db, CancellationToken cancellationToken)
    {
        // Oldest first (ordered here: SQLite cannot order by DateTimeOffset), so an old lookalike loses to its original.
        var missing = (await db.Shops.Where(s => s.NameSkeleton == null).ToListAsync(cancellationToken))
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToList();
        var logger = db.GetService<ILoggerFactory>().CreateLogger(typeof(ShopSkeletons));
        if (missing.Count == 0)
        {
            LogFilled(logger, UnicodeText.Engine, 0);
            return 0;
        }
        var taken = (await db.Shops.Where(s => s.NameSkeleton != null).Select(s => new { s.NameSkeleton, s.Name })
                .ToListAsync(cancellationToken))
            .ToDictionary(s => s.NameSkeleton!, s => s.Name, StringComparer.Ordinal);
        var filled = 0;
        foreach (var shop in missing)
        {
            var skeleton = UnicodeText.Skeleton(shop.Name);
            if (skeleton.Length > ShopRulesLimits.Skeleton)
            {
                continue;
            }
            if (taken.TryGetValue(skeleton, out var other))
            {
                LogLookalike(logger, shop.Id, shop.Name, other);
                continue;
            }
            taken[skeleton] = shop.Name;
            shop.NameSkeleton = skeleton;
            filled++;
        }
        await db.SaveChangesAsync(cancellationToken);
        LogFilled(logger, UnicodeText.Engine, filled);
        return filled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shop {ShopId} '{Name}' looks like the existing shop '{Other}'; it keeps its name but has no skeleton: an administrator should rename or suspend it")]
    private static partial void LogLookalike(ILogger logger, Guid shopId, string name, string other);

    [LoggerMessage(Level = LogLevel.Information, Message = "Name skeletons: {Engine}, computed for {Count} existing shops")]
    private static partial void LogFilled(ILogger logger, string engine, int count);
}
