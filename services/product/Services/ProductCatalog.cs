using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>Reads the public catalog.</summary>
public sealed class ProductCatalog(ProductDbContext db)
{
    /// <summary>The largest page a client may ask for.</summary>
    public const int MaxPageSize = 100;

    public async Task<PagedResult<ProductDto>> ListAsync(int page, int size, CancellationToken cancellationToken)
    {
        var total = await db.Products.CountAsync(cancellationToken);
        var items = await db.Products.AsNoTracking()
            .OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Skip((page - 1) * size).Take(size)
            .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Price, p.Currency, p.Category))
            .ToListAsync(cancellationToken);
        return new PagedResult<ProductDto>(items, page, size, total);
    }

    public Task<ProductDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Products.AsNoTracking()
            .Where(p => p.Id == id)
            .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Price, p.Currency, p.Category))
            .SingleOrDefaultAsync(cancellationToken);
}
