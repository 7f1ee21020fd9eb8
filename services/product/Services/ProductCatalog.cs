using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>Reads the public catalog: live products of shops that are not suspended.</summary>
public sealed class ProductCatalog(ProductDbContext db)
{
    /// <summary>The largest page a client may ask for.</summary>
    public const int MaxPageSize = 100;

    public async Task<PagedResult<ProductDto>> ListAsync(CatalogQuery query, CancellationToken cancellationToken)
    {
        var products = Visible();
        if (query.Text is { } text)
        {
            // EF sends the text as a parameter (LIKE wildcards escaped): never part of the SQL.
            var needle = text.ToLowerInvariant();
            products = products.Where(p => p.Name.ToLower().Contains(needle) || p.Description.ToLower().Contains(needle));
        }
        if (query.CategoryId is { } categoryId)
        {
            var ids = await CategoryTree.SubtreeAsync(db, categoryId, cancellationToken);
            products = products.Where(p => p.CategoryId != null && ids.Contains(p.CategoryId.Value));
        }
        if (query.ShopId is { } shopId)
        {
            products = products.Where(p => p.ShopId == shopId);
        }
        if (query.MinPrice is { } min)
        {
            products = products.Where(p => p.Price >= min);
        }
        if (query.MaxPrice is { } max)
        {
            products = products.Where(p => p.Price <= max);
        }
        if (query.InStockOnly)
        {
            products = products.Where(p => p.Variants.Any(v => v.Stock - v.Reserved > 0));
        }
        var total = await products.CountAsync(cancellationToken);
        // Sorting is a closed set of expressions chosen by an enum: the client's text never reaches SQL.
        var ordered = query.Sort switch
        {
            CatalogSort.Price => products.OrderBy(p => p.Price).ThenBy(p => p.Name),
            CatalogSort.PriceDesc => products.OrderByDescending(p => p.Price).ThenBy(p => p.Name),
            CatalogSort.Newest => products.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Name),
            _ => products.OrderBy(p => p.Name),
        };
        var page = await ordered.ThenBy(p => p.Id)
            .Skip((query.Page - 1) * query.Size).Take(query.Size)
            .Include(p => p.Variants)
            .ToListAsync(cancellationToken);
        return new PagedResult<ProductDto>(await ToDtosAsync(page, cancellationToken), query.Page, query.Size, total);
    }

    public async Task<ProductDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var product = await Visible().Include(p => p.Variants).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        return product is null ? null : (await ToDtosAsync([product], cancellationToken))[0];
    }

    private IQueryable<Data.Product> Visible() =>
        db.Products.AsNoTracking()
            .Where(p => p.DeletedAt == null)
            .Where(p => p.ShopId == null || !db.Shops.Any(s => s.Id == p.ShopId && s.Suspended));

    private async Task<List<ProductDto>> ToDtosAsync(List<Data.Product> products, CancellationToken cancellationToken)
    {
        var shopIds = products.Where(p => p.ShopId != null).Select(p => p.ShopId!.Value).Distinct().ToList();
        var names = shopIds.Count == 0
            ? []
            : await db.Shops.AsNoTracking().Where(s => shopIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. products.Select(p => StockLevels.ToDto(p, p.ShopId is { } shop ? names.GetValueOrDefault(shop) : null))];
    }
}
