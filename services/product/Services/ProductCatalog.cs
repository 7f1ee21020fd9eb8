using EStore.Contracts.Events;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Text;
using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>Reads the public catalog: live products of active shops.</summary>
public sealed class ProductCatalog(ProductDbContext db)
{
    /// <summary>The longest <c>shopName</c> filter: a shop name's own limit.</summary>
    public const int MaxShopNameLength = 100;

    // Must match the configuration of the generated search column (ProductDbContext).
    private const string SearchConfiguration = "simple";

    public async Task<PagedResult<ProductDto>> ListAsync(ProductQuery query, CancellationToken cancellationToken)
    {
        var products = Visible();
        IReadOnlyList<string> words = [];
        string? tsQuery = null;
        if (query.Text is { } text)
        {
            words = SearchText.Words(text);
            if (words.Count == 0)
            {
                // Nothing searchable (only punctuation): nothing can match.
                return new PagedResult<ProductDto>([], query.Page, query.Size, 0);
            }
            if (db.Database.IsNpgsql())
            {
                // The GIN-indexed tsvector column; the tsquery text is one parameter, never part of the SQL.
                tsQuery = SearchText.PrefixQuery(words);
                products = products.Where(p => p.SearchVector!.Matches(EF.Functions.ToTsQuery(SearchConfiguration, tsQuery)));
            }
            else
            {
                // SQLite fallback: every word somewhere in name or description (EF escapes LIKE wildcards).
                foreach (var word in words)
                {
                    products = products.Where(p => p.Name.ToLower().Contains(word) || p.Description.ToLower().Contains(word));
                }
            }
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
        if (query.ShopName is { } shopName)
        {
            // A substring of the stored comparison key, as a parameter (strpos/instr): wildcards in it are plain
            // characters. The same key as shop-service's directory search, so "Ｖｏｌｔ" and "daily   grind" match here too.
            var needle = UnicodeText.ComparisonKey(shopName);
            products = products.Where(p => db.Shops.Any(s => s.Id == p.ShopId && s.NormalizedName.Contains(needle)));
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
            ProductSort.Price => products.OrderBy(p => p.Price).ThenBy(p => p.Name),
            ProductSort.PriceDesc => products.OrderByDescending(p => p.Price).ThenBy(p => p.Name),
            ProductSort.Newest => products.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Name),
            ProductSort.Relevance when tsQuery is not null => products
                .OrderByDescending(p => p.SearchVector!.Rank(EF.Functions.ToTsQuery(SearchConfiguration, tsQuery)))
                .ThenBy(p => p.Name),
            ProductSort.Relevance when words.Count > 0 => ByNameMatches(products, words).ThenBy(p => p.Name),
            _ => products.OrderBy(p => p.Name),
        };
        var page = await ordered.ThenBy(p => p.Id)
            .Skip(new PageQuery(query.Page, query.Size).Offset).Take(query.Size)
            .Include(p => p.Variants)
            .ToListAsync(cancellationToken);
        return new PagedResult<ProductDto>(await ToDtosAsync(page, cancellationToken), query.Page, query.Size, total);
    }

    public async Task<Result<ProductDto>> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var product = await Visible().Include(p => p.Variants).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return Error.NotFound($"Product {id} does not exist.");
        }
        return (await ToDtosAsync([product], cancellationToken))[0];
    }

    /// <summary>
    /// Several variants in one query, for other services (cart-service reads a whole cart with one call). A deleted
    /// product's or a hidden shop's variant answers only its id and state, never its details; unknown ids are left out.
    /// </summary>
    public async Task<IReadOnlyList<VariantLookupDto>> LookupVariantsAsync(IReadOnlyCollection<Guid> variantIds, CancellationToken cancellationToken)
    {
        // Only the columns a cart line shows: no descriptions or search vectors travel for a cart read.
        var rows = await db.Variants.AsNoTracking()
            .Where(v => variantIds.Contains(v.Id))
            .Join(db.Products.AsNoTracking(), v => v.ProductId, p => p.Id, (v, p) => new
            {
                v.Id,
                VariantName = v.Name,
                v.Price,
                v.Stock,
                v.Reserved,
                v.LowStockThreshold,
                ProductId = p.Id,
                ProductName = p.Name,
                p.Currency,
                p.ShopId,
                p.DeletedAt,
                Shop = db.Shops.Where(s => s.Id == p.ShopId).Select(s => new { s.Name, s.Status }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r =>
        {
            if (r.DeletedAt is not null)
            {
                return VariantLookupDto.Unavailable(r.Id, VariantStates.Deleted);
            }
            if (r.ShopId is not null && r.Shop?.Status != ShopStatus.Active)
            {
                return VariantLookupDto.Unavailable(r.Id, VariantStates.Hidden);
            }
            var available = r.Stock - r.Reserved;
            return new VariantLookupDto(r.Id, VariantStates.Available, r.ProductId, r.ProductName, r.VariantName,
                r.ShopId, r.Shop?.Name, r.Price, r.Currency, available, StockLevels.Of(available, r.LowStockThreshold));
        })];
    }

    // SQLite has no ranking: products whose name holds the first word come first, then the second word, and so on.
    private static IOrderedQueryable<Data.Product> ByNameMatches(IQueryable<Data.Product> products, IReadOnlyList<string> words)
    {
        var first = words[0];
        var ordered = products.OrderByDescending(p => p.Name.ToLower().Contains(first));
        foreach (var word in words.Skip(1))
        {
            ordered = ordered.ThenByDescending(p => p.Name.ToLower().Contains(word));
        }
        return ordered;
    }

    private IQueryable<Data.Product> Visible() =>
        db.Products.AsNoTracking()
            .Where(p => p.DeletedAt == null)
            // A pending (not yet approved), suspended or closed shop sells nothing; its owner still manages its products.
            .Where(p => p.ShopId == null || db.Shops.Any(s => s.Id == p.ShopId && s.Status == ShopStatus.Active));

    private async Task<List<ProductDto>> ToDtosAsync(List<Data.Product> products, CancellationToken cancellationToken)
    {
        var shopIds = products.Where(p => p.ShopId != null).Select(p => p.ShopId!.Value).Distinct().ToList();
        var names = shopIds.Count == 0
            ? []
            : await db.Shops.AsNoTracking().Where(s => shopIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. products.Select(p => StockLevels.ToDto(p, p.ShopId is { } shop ? names.GetValueOrDefault(shop) : null))];
    }
}
