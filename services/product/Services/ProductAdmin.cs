using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Services;

/// <summary>
/// Shop owners (their own shops only) and admins change products. A customer gets 403; another owner's
/// product or shop is 404, indistinguishable from a missing one.
/// </summary>
public sealed class ProductAdmin(ProductDbContext db, IEventOutbox outbox, TimeProvider time)
{
    public async Task<Result<ProductDto>> CreateAsync(CurrentUser caller, ProductRequest request, CancellationToken cancellationToken)
    {
        if (Forbidden(caller) is { } forbidden)
        {
            return forbidden;
        }
        if (request.ShopId is not { } shopId)
        {
            return Error.Validation("shopId", "Required.");
        }
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shopId, cancellationToken);
        if (shop is null || !(caller.IsAdmin || shop.OwnerId == caller.Id))
        {
            return Error.NotFound($"Shop {shopId} does not exist.");
        }
        var errors = ProductRules.Validate(request, requireVariants: true);
        var category = await CategoryAsync(request.CategoryId, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var now = time.GetUtcNow();
        var product = new Data.Product
        {
            Id = Guid.CreateVersion7(now),
            ShopId = shopId,
            Name = ProductRules.CleanName(request.Name)!,
            Description = request.Description?.Trim() ?? "",
            Price = request.Price!.Value,
            Currency = ProductRules.CurrencyOf(request),
            Category = category!.Name,
            CategoryId = category.Id,
            CreatedAt = now,
            UpdatedAt = now,
            Variants = [.. request.Variants!.Select(v => new ProductVariant
            {
                Id = Guid.CreateVersion7(now),
                Sku = v.Sku!.Trim(),
                Name = ProductRules.CleanName(v.Name) ?? "Standard",
                Price = v.Price ?? request.Price!.Value,
                Stock = v.Stock ?? 0,
                LowStockThreshold = v.LowStockThreshold ?? ProductRules.DefaultLowStockThreshold,
            })],
        };
        db.Products.Add(product);
        ProductSignals.Changed(outbox, product, ProductChangeKind.Created, now);
        return await SaveAsync(product, shop.Name, cancellationToken);
    }

    public async Task<Result<ProductDto>> UpdateAsync(CurrentUser caller, Guid id, ProductRequest request, CancellationToken cancellationToken)
    {
        var (product, shopName, error) = await ManagedAsync(caller, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var errors = ProductRules.Validate(request, requireVariants: false);
        var category = await CategoryAsync(request.CategoryId, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var name = ProductRules.CleanName(request.Name)!;
        var currency = ProductRules.CurrencyOf(request);
        // Subscribers (carts) care about name and price: a change of description or category alone raises no event.
        var visibleChange = name != product!.Name || request.Price!.Value != product.Price || currency != product.Currency;
        product.Name = name;
        product.Description = request.Description?.Trim() ?? "";
        product.Price = request.Price!.Value;
        product.Currency = currency;
        product.Category = category!.Name;
        product.CategoryId = category.Id;
        product.UpdatedAt = time.GetUtcNow();
        if (visibleChange)
        {
            ProductSignals.Changed(outbox, product, ProductChangeKind.Updated, product.UpdatedAt);
        }
        return await SaveAsync(product, shopName, cancellationToken);
    }

    public async Task<Result<ProductDto>> AddVariantAsync(CurrentUser caller, Guid id, VariantRequest request, CancellationToken cancellationToken)
    {
        var (product, shopName, error) = await ManagedAsync(caller, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var errors = new Dictionary<string, string[]>();
        ProductRules.ValidateVariant(request, "", errors);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var wasAvailable = ProductSignals.IsAvailable(product!);
        // Added through the set: a new entity with its key already set would otherwise be taken for an existing row.
        var variant = new ProductVariant
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            ProductId = product!.Id,
            Sku = request.Sku!.Trim(),
            Name = ProductRules.CleanName(request.Name) ?? "Standard",
            Price = request.Price ?? product.Price,
            Stock = request.Stock ?? 0,
            LowStockThreshold = request.LowStockThreshold ?? ProductRules.DefaultLowStockThreshold,
        };
        db.Variants.Add(variant);
        product!.UpdatedAt = time.GetUtcNow();
        // The new variant is in the product's collection now (fixed up by Add): a first unit in stock makes it buyable.
        if (ProductSignals.IsAvailable(product) != wasAvailable)
        {
            ProductSignals.Changed(outbox, product, ProductChangeKind.Updated, product.UpdatedAt);
        }
        return await SaveAsync(product, shopName, cancellationToken);
    }

    public async Task<Result> DeleteAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        var (product, _, error) = await ManagedAsync(caller, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        product!.DeletedAt = time.GetUtcNow();
        ProductSignals.Changed(outbox, product, ProductChangeKind.Deleted, product.DeletedAt.Value);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success;
    }

    private async Task<(Data.Product? Product, string? ShopName, Error? Error)> ManagedAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        if (Forbidden(caller) is { } forbidden)
        {
            return (null, null, forbidden);
        }
        var product = await db.Products.Include(p => p.Variants).SingleOrDefaultAsync(p => p.Id == id && p.DeletedAt == null, cancellationToken);
        var shop = product?.ShopId is { } shopId ? await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shopId, cancellationToken) : null;
        // A product without a shop (none is created any more) is managed by admins only.
        return product is null || !(caller.IsAdmin || shop?.OwnerId == caller.Id)
            ? (null, null, Error.NotFound($"Product {id} does not exist."))
            : (product, shop?.Name, null);
    }

    private async Task<Category?> CategoryAsync(Guid? id, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var category = id is null ? null : await db.Categories.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null)
        {
            errors["categoryId"] = ["Required, an existing category."];
        }
        return category;
    }

    private async Task<Result<ProductDto>> SaveAsync(Data.Product product, string? shopName, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return StockLevels.ToDto(product, shopName);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Conflict("A variant with that SKU already exists.");
        }
    }

    private static Error? Forbidden(CurrentUser caller) =>
        caller.IsAdmin || caller.IsInRole(UserRoles.ShopOwner)
            ? null
            : Error.Forbidden("Only shop owners and administrators manage products.");
}
