using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using EStore.Product.Data;
using EStore.Product.Services;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Import;

/// <summary>
/// Applies a batch of import rows to one shop's catalog inside the caller's transaction. Rows are matched by SKU:
/// an unknown SKU creates a variant (of the shop's live product with the row's name, or a new product), a SKU of the
/// shop updates its variant and product. Stock changes write ledger lines with reason <c>import</c> and raise
/// <see cref="LowStockDetected"/> like any change; name, price, currency and availability changes raise
/// <see cref="ProductChanged"/>; both through the outbox, so they commit (or roll back, in a dry run) with the batch.
/// </summary>
public sealed class ImportApplier(ProductDbContext db, IEventOutbox outbox, TimeProvider time)
{
    /// <summary>The ledger reason of every stock change an import makes.</summary>
    public const string LedgerReason = "import";

    public async Task<List<ImportRowResult>> ApplyAsync(ImportJob job, IReadOnlyList<ImportRow> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var results = new List<ImportRowResult>(rows.Count);
        var skus = rows.Where(r => r.Error is null).Select(r => r.Sku!).ToList();
        if (db.Database.IsNpgsql())
        {
            // Lock the batch's variants in id order, as reservations do: a reservation cannot slip between our read of
            // a variant's reserved units and our write of its stock.
            await db.Database.SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM product_variants WHERE "Sku" = ANY({skus.ToArray()}) ORDER BY "Id" FOR UPDATE""")
                .ToListAsync(cancellationToken);
        }
        var known = await db.Variants.Where(v => skus.Contains(v.Sku)).ToListAsync(cancellationToken);
        var productIds = known.Select(v => v.ProductId).Distinct().ToList();
        var names = rows.Where(r => r.Error is null && r.Name is not null).Select(r => r.Name!).Distinct().ToList();
        var products = await db.Products.Include(p => p.Variants)
            .Where(p => productIds.Contains(p.Id) || (p.ShopId == job.ShopId && p.DeletedAt == null && names.Contains(p.Name)))
            .ToListAsync(cancellationToken);
        var byId = products.ToDictionary(p => p.Id);
        // New SKUs join the shop's live product of the same name (the first one, oldest), or one made by this batch.
        var byName = products.Where(p => p.ShopId == job.ShopId && p.DeletedAt == null).OrderBy(p => p.CreatedAt)
            .GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var bySku = known.ToDictionary(v => v.Sku, StringComparer.Ordinal);
        var categories = await db.Categories.ToListAsync(cancellationToken);
        var before = products.ToDictionary(p => p.Id, p => (p.Name, p.Price, p.Currency, Available: ProductSignals.IsAvailable(p)));
        var created = new HashSet<Guid>();
        var touched = new HashSet<Guid>();

        foreach (var row in rows)
        {
            var result = new ImportRowResult { JobId = job.Id, Row = row.Row, Sku = row.Sku is { Length: > 64 } tooLong ? tooLong[..64] : row.Sku };
            results.Add(result);
            if (row.Error is not null)
            {
                Reject(result, row.Error);
                continue;
            }
            if (bySku.TryGetValue(row.Sku!, out var variant))
            {
                var product = byId[variant.ProductId];
                if (product.ShopId != job.ShopId)
                {
                    // Says no more about the other shop than that the SKU is taken.
                    Reject(result, $"SKU {row.Sku} is already used by another shop.");
                    continue;
                }
                if (product.DeletedAt is not null)
                {
                    Reject(result, $"SKU {row.Sku} belongs to an archived product.");
                    continue;
                }
                string? problem = null;
                var category = row.CategoryPath is null ? null : ResolveCategory(row.CategoryPath, job.CreateCategories, categories, out problem);
                if (row.CategoryPath is not null && category is null)
                {
                    Reject(result, problem!);
                    continue;
                }
                if (row.Stock is { } level && level < variant.Reserved)
                {
                    Reject(result, $"stock {level} is below the {variant.Reserved} units reserved for orders.");
                    continue;
                }
                var changed = Update(job, product, variant, row, category, now);
                result.Outcome = changed ? ImportRowOutcome.Updated : ImportRowOutcome.Unchanged;
                result.ProductId = product.Id;
                result.VariantId = variant.Id;
                if (changed)
                {
                    touched.Add(product.Id);
                }
            }
            else
            {
                if (row.CategoryPath is null)
                {
                    Reject(result, "categoryPath is required for a new SKU.");
                    continue;
                }
                var category = ResolveCategory(row.CategoryPath, job.CreateCategories, categories, out var problem);
                if (category is null)
                {
                    Reject(result, problem!);
                    continue;
                }
                var fresh = new ProductVariant
                {
                    Id = Guid.CreateVersion7(now),
                    Sku = row.Sku!,
                    Name = row.VariantName ?? "Standard",
                    Price = row.Price!.Value,
                    Stock = row.Stock ?? 0,
                    LowStockThreshold = row.LowStockThreshold ?? ProductRules.DefaultLowStockThreshold,
                    SupplierRef = row.SupplierRef,
                };
                if (byName.TryGetValue(row.Name!, out var product))
                {
                    fresh.ProductId = product.Id;
                    db.Variants.Add(fresh);
                    if (row.Description is not null)
                    {
                        product.Description = row.Description;
                    }
                    product.UpdatedAt = now;
                    touched.Add(product.Id);
                }
                else
                {
                    product = new Data.Product
                    {
                        Id = Guid.CreateVersion7(now),
                        ShopId = job.ShopId,
                        Name = row.Name!,
                        Description = row.Description ?? "",
                        Price = fresh.Price,
                        Currency = row.Currency ?? "EUR",
                        Category = category.Name,
                        CategoryId = category.Id,
                        CreatedAt = now,
                        UpdatedAt = now,
                        Variants = [fresh],
                    };
                    fresh.ProductId = product.Id;
                    db.Products.Add(product);
                    byName[product.Name] = product;
                    byId[product.Id] = product;
                    created.Add(product.Id);
                }
                bySku[fresh.Sku] = fresh;
                if (fresh.Stock != 0)
                {
                    Ledger(job, fresh, fresh.Stock, now);
                }
                result.Outcome = ImportRowOutcome.Created;
                result.ProductId = product.Id;
                result.VariantId = fresh.Id;
            }
        }

        foreach (var id in created.Concat(touched).Distinct())
        {
            var product = byId[id];
            // The listing price is the lowest of the variants' prices.
            product.Price = product.Variants.Min(v => v.Price);
            if (created.Contains(id))
            {
                ProductSignals.Changed(outbox, product, ProductChangeKind.Created, now);
            }
            else if (before[id] is var was && (was.Name != product.Name || was.Price != product.Price || was.Currency != product.Currency
                || was.Available != ProductSignals.IsAvailable(product)))
            {
                ProductSignals.Changed(outbox, product, ProductChangeKind.Updated, now);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return results;
    }

    /// <summary>
    /// Archives (soft-deletes) the shop's live products none of whose SKUs is in <paramref name="fileSkus"/>; returns how many.
    /// </summary>
    public async Task<int> ArchiveMissingAsync(ImportJob job, IReadOnlySet<string> fileSkus, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var live = await db.Products.Include(p => p.Variants).Where(p => p.ShopId == job.ShopId && p.DeletedAt == null).ToListAsync(cancellationToken);
        var missing = live.Where(p => !p.Variants.Any(v => fileSkus.Contains(v.Sku))).ToList();
        foreach (var product in missing)
        {
            product.DeletedAt = now;
            ProductSignals.Changed(outbox, product, ProductChangeKind.Deleted, now);
        }
        await db.SaveChangesAsync(cancellationToken);
        return missing.Count;
    }

    private bool Update(ImportJob job, Data.Product product, ProductVariant variant, ImportRow row, Category? category, DateTimeOffset now)
    {
        var changed = false;
        void Set<T>(T current, T value, Action<T> assign)
        {
            if (!EqualityComparer<T>.Default.Equals(current, value))
            {
                assign(value);
                changed = true;
            }
        }
        Set(product.Name, row.Name!, v => product.Name = v);
        if (row.Description is not null)
        {
            Set(product.Description, row.Description, v => product.Description = v);
        }
        if (row.Currency is not null)
        {
            Set(product.Currency, row.Currency, v => product.Currency = v);
        }
        if (category is not null)
        {
            Set(product.CategoryId, category.Id, v => product.CategoryId = v);
            Set(product.Category, category.Name, v => product.Category = v);
        }
        if (row.VariantName is not null)
        {
            Set(variant.Name, row.VariantName, v => variant.Name = v);
        }
        Set(variant.Price, row.Price!.Value, v => variant.Price = v);
        if (row.SupplierRef is not null)
        {
            Set(variant.SupplierRef, row.SupplierRef, v => variant.SupplierRef = v);
        }
        var availableBefore = variant.Stock - variant.Reserved;
        var thresholdBefore = variant.LowStockThreshold;
        if (row.LowStockThreshold is { } threshold)
        {
            Set(variant.LowStockThreshold, threshold, v => variant.LowStockThreshold = v);
        }
        if (row.Stock is { } stock && stock != variant.Stock)
        {
            var delta = stock - variant.Stock;
            variant.Stock = stock;
            changed = true;
            Ledger(job, variant, delta, now);
        }
        ProductSignals.LowStockIfCrossed(outbox, product.Id, product.Name, variant.Id, product.ShopId,
            (availableBefore, thresholdBefore), (variant.Stock - variant.Reserved, variant.LowStockThreshold), now);
        if (changed)
        {
            product.UpdatedAt = now;
        }
        return changed;
    }

    private void Ledger(ImportJob job, ProductVariant variant, int delta, DateTimeOffset now) =>
        db.StockMovements.Add(new StockMovement
        {
            VariantId = variant.Id,
            Kind = StockMovementKind.Set,
            Delta = delta,
            StockAfter = variant.Stock,
            Reason = LedgerReason,
            ActorId = job.RequestedBy,
            At = now,
        });

    /// <summary>The category at <paramref name="path"/> (names compared case-insensitively, as siblings are unique).</summary>
    private Category? ResolveCategory(IReadOnlyList<string> path, bool create, List<Category> categories, out string? problem)
    {
        problem = null;
        Category? node = null;
        foreach (var name in path)
        {
            var parent = node?.Id;
            var next = categories.FirstOrDefault(c => c.ParentId == parent && c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (next is null)
            {
                if (!create)
                {
                    problem = $"Unknown category '{string.Join(ImportFileReader.PathSeparator, path)}' (add ?createCategories=true to create it).";
                    return null;
                }
                next = new Category { Id = Guid.NewGuid(), Name = name, Slug = CategoryTree.Slug(name), ParentId = parent };
                categories.Add(next);
                db.Categories.Add(next);
            }
            node = next;
        }
        return node;
    }

    private static void Reject(ImportRowResult result, string reason)
    {
        result.Outcome = ImportRowOutcome.Rejected;
        result.Reason = reason.Length > 500 ? reason[..500] : reason;
    }
}
