using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Product.Data;
using EStore.Product.Dtos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Import;

/// <summary>The options of one import: what the query string of <c>POST /api/products/import</c> asks.</summary>
public sealed record ImportRequest(Guid ShopId, bool DryRun, bool ArchiveMissing, bool CreateCategories);

/// <summary>
/// Stores import jobs (after reading the whole file, so a refused file leaves nothing behind) and shows them to the
/// shop's owner and admins; another owner's shop or job is 404, a customer 403.
/// </summary>
public sealed class ImportJobs(ProductDbContext db, IOptions<ImportOptions> options, ImportSignal signal, TimeProvider time)
{
    public async Task<Result<ImportJobDto>> StartAsync(
        CurrentUser caller, ImportRequest request, byte[] content, string format, CancellationToken cancellationToken)
    {
        if (await CheckShopAsync(caller, request.ShopId, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (request.CreateCategories && CategoryCreationRefused(caller, options.Value) is { } categoriesRefused)
        {
            return categoriesRefused;
        }
        var read = ImportFileReader.Read(content, format, options.Value.MaxRows);
        if (read.Error is { } error)
        {
            return error;
        }
        var job = await QueueAsync(db, request, caller.Id, null, read.Value!, content, time.GetUtcNow(), cancellationToken);
        signal.Wake();
        return ToDto(job, null);
    }

    /// <summary>Adds a queued job with its file (saved by the caller's <c>SaveChangesAsync</c> here).</summary>
    public static async Task<ImportJob> QueueAsync(
        ProductDbContext db, ImportRequest request, Guid requestedBy, Guid? feedId, ImportFileContent file, byte[] content, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var job = new ImportJob
        {
            Id = Guid.CreateVersion7(now),
            ShopId = request.ShopId,
            RequestedBy = requestedBy,
            FeedId = feedId,
            Format = file.Format,
            DryRun = request.DryRun,
            ArchiveMissing = request.ArchiveMissing,
            CreateCategories = request.CreateCategories,
            State = ImportJobState.Queued,
            RowsTotal = file.Rows.Count,
            CreatedAt = now,
        };
        db.ImportJobs.Add(job);
        db.ImportFiles.Add(new ImportFile { JobId = job.Id, Content = content });
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<Result<ImportJobDto>> FindAsync(CurrentUser caller, Guid id, PageQuery page, CancellationToken cancellationToken)
    {
        if (Forbidden(caller) is { } forbidden)
        {
            return forbidden;
        }
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null || !(caller.IsAdmin || await db.Shops.AnyAsync(s => s.Id == job.ShopId && s.OwnerId == caller.Id, cancellationToken)))
        {
            return Error.NotFound($"Import {id} does not exist.");
        }
        var rows = db.ImportRows.AsNoTracking().Where(r => r.JobId == id);
        var items = await rows.OrderBy(r => r.Row).Skip(page.Offset).Take(page.Size).ToListAsync(cancellationToken);
        var total = await rows.CountAsync(cancellationToken);
        return ToDto(job, new PagedResult<ImportRowDto>(
            [.. items.Select(r => new ImportRowDto(r.Row, r.Sku, r.Outcome.ToString().ToUpperInvariant(), r.Reason, r.ProductId, r.VariantId))],
            page.Page, page.Size, total));
    }

    /// <summary>403 for a caller who is neither shop owner nor admin, 404 for a shop that is not the caller's.</summary>
    public async Task<Error?> CheckShopAsync(CurrentUser caller, Guid shopId, CancellationToken cancellationToken)
    {
        if (Forbidden(caller) is { } forbidden)
        {
            return forbidden;
        }
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shopId, cancellationToken);
        return shop is null || !(caller.IsAdmin || shop.OwnerId == caller.Id) ? Error.NotFound($"Shop {shopId} does not exist.") : null;
    }

    public static ImportJobDto ToDto(ImportJob job, PagedResult<ImportRowDto>? rows) =>
        new(job.Id, job.ShopId, job.FeedId, job.Format, job.DryRun, job.ArchiveMissing, job.CreateCategories, job.State.ToString().ToUpperInvariant(),
            job.RowsTotal, job.RowsDone, job.Created, job.Updated, job.Unchanged, job.Rejected, job.Archived, job.Error,
            job.CreatedAt, job.StartedAt, job.FinishedAt, rows);

    /// <summary>
    /// 403 for a shop owner asking an import (or a feed) to create categories, unless
    /// <c>Import:OwnersMayCreateCategories</c> allows it: the category tree is the administrators' (only they may
    /// <c>POST /api/categories</c>).
    /// </summary>
    public static Error? CategoryCreationRefused(CurrentUser caller, ImportOptions options) =>
        caller.IsAdmin || options.OwnersMayCreateCategories
            ? null
            : Error.Forbidden("Only administrators create categories through an import (createCategories=true); ask one to add them, or leave it out.");

    private static Error? Forbidden(CurrentUser caller) =>
        caller.IsAdmin || caller.IsInRole(UserRoles.ShopOwner) ? null : Error.Forbidden("Only shop owners and administrators import products.");
}

/// <summary>Wakes the import worker when a job was queued on this instance (others find it at their next poll).</summary>
public sealed class ImportSignal : WakeSignal;
