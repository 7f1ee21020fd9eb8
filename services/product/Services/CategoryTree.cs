using EStore.Platform.Errors;
using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>The category tree: public reads, admin changes.</summary>
public sealed class CategoryTree(ProductDbContext db)
{
    /// <summary>The ids of a category and all its descendants (the tree is small: it is read whole).</summary>
    public static async Task<HashSet<Guid>> SubtreeAsync(ProductDbContext db, Guid root, CancellationToken cancellationToken)
    {
        var all = await db.Categories.AsNoTracking().Select(c => new { c.Id, c.ParentId }).ToListAsync(cancellationToken);
        var ids = new HashSet<Guid> { root };
        var added = true;
        while (added)
        {
            added = false;
            foreach (var c in all)
            {
                if (c.ParentId is { } parent && ids.Contains(parent) && ids.Add(c.Id))
                {
                    added = true;
                }
            }
        }
        return ids;
    }

    public async Task<IReadOnlyList<CategoryDto>> TreeAsync(CancellationToken cancellationToken)
    {
        var all = await db.Categories.AsNoTracking().ToListAsync(cancellationToken);
        var byParent = all.ToLookup(c => c.ParentId);
        IReadOnlyList<CategoryDto> Children(Guid? parent) =>
            [.. byParent[parent].OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new CategoryDto(c.Id, c.Name, c.Slug, c.ParentId, Children(c.Id)))];
        return Children(null);
    }

    public async Task<Result<CategoryDto>> SaveAsync(Guid? id, CategoryRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return Error.Validation("name", "Required, at most 100 characters.");
        }
        var category = id is null ? null : await db.Categories.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (id is not null && category is null)
        {
            return Error.NotFound($"Category {id} does not exist.");
        }
        if (request.ParentId is { } parentId)
        {
            if (!await db.Categories.AnyAsync(c => c.Id == parentId, cancellationToken))
            {
                return Error.Validation("parentId", "No such category.");
            }
            if (id is { } self && (await SubtreeAsync(db, self, cancellationToken)).Contains(parentId))
            {
                return Error.Validation("parentId", "A category cannot move below itself.");
            }
        }
        var siblings = await db.Categories.Where(c => c.ParentId == request.ParentId && c.Id != id).Select(c => c.Name).ToListAsync(cancellationToken);
        if (siblings.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return Error.Conflict($"A category named '{name}' already exists there.");
        }
        if (category is null)
        {
            category = new Category { Id = Guid.NewGuid(), Name = name, Slug = Slug(name), ParentId = request.ParentId };
            db.Categories.Add(category);
        }
        else
        {
            category.Name = name;
            category.Slug = Slug(name);
            category.ParentId = request.ParentId;
            // Products carry the category's name for the list responses.
            await db.Products.Where(p => p.CategoryId == category.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Category, name), cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        return new CategoryDto(category.Id, category.Name, category.Slug, category.ParentId, []);
    }

    public async Task<Result> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var category = await db.Categories.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null)
        {
            return Error.NotFound($"Category {id} does not exist.");
        }
        if (await db.Categories.AnyAsync(c => c.ParentId == id, cancellationToken)
            || await db.Products.AnyAsync(p => p.CategoryId == id && p.DeletedAt == null, cancellationToken))
        {
            return Error.Conflict($"Category {id} still has subcategories or products.");
        }
        db.Categories.Remove(category);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success;
    }

    internal static string Slug(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }
}
