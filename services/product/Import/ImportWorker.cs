using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Import;

/// <summary>
/// Works import jobs on every instance without running one twice:
/// <list type="number">
/// <item>a job is claimed by one conditional UPDATE (queued, or running with an ended lease) that sets a new lease
/// token, so of two instances only one gets it;</item>
/// <item>each batch of rows is applied in one transaction that also writes the batch's report rows and the job's
/// progress, guarded by the lease token (a concurrency token): an instance that lost its lease commits nothing;</item>
/// <item>a job whose instance died stays <c>Running</c> until its lease ends, then another worker claims it and goes on
/// after the last committed batch; a job that fails <c>Import:MaxAttempts</c> times is given up (<c>Failed</c>).</item>
/// </list>
/// A dry run applies each batch the same way and rolls it back, keeping only the report. Between rounds the loop trims
/// old files, reports and feed history (<see cref="ImportRetention"/>).
/// </summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, IOptions<ImportOptions> options, ImportSignal signal, ImportRetention retention,
    TimeProvider time, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0)
                {
                }
                await retention.TrimIfDueAsync(stoppingToken);
                await signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollIntervalMs), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A database hiccup: what was claimed is taken over when its lease ends.
                logger.LogError(exception, "Import round failed; trying again.");
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.PollIntervalMs), time, stoppingToken)
                    .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims and works the jobs due now; returns how many it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        var now = time.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            due = await db.ImportJobs.AsNoTracking()
                .Where(j => j.State == ImportJobState.Queued || (j.State == ImportJobState.Running && j.LeaseUntil < now))
                .OrderBy(j => j.CreatedAt).Take(10).Select(j => j.Id).ToListAsync(cancellationToken);
        }
        var claimed = 0;
        foreach (var id in due)
        {
            if (await ClaimAsync(id, cancellationToken) is { } token)
            {
                claimed++;
                await RunAsync(id, token, cancellationToken);
            }
        }
        return claimed;
    }

    // Its own statement: committed before any row is applied, so another worker sees the claim.
    private async Task<Guid?> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
        var now = time.GetUtcNow();
        var token = Guid.NewGuid();
        var claimed = await db.ImportJobs
            .Where(j => j.Id == id && (j.State == ImportJobState.Queued || (j.State == ImportJobState.Running && j.LeaseUntil < now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, ImportJobState.Running)
                .SetProperty(j => j.LeaseToken, token)
                .SetProperty(j => j.LeaseUntil, now + TimeSpan.FromSeconds(options.Value.LeaseSeconds))
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), cancellationToken);
        return claimed == 1 ? token : null;
    }

    private async Task RunAsync(Guid id, Guid token, CancellationToken cancellationToken)
    {
        ImportJob job;
        ImportFileContent file;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            job = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id, cancellationToken);
            var content = await db.ImportFiles.AsNoTracking().Where(f => f.JobId == id).Select(f => f.Content).SingleAsync(cancellationToken);
            // The file was read when the job was stored; reading it again gives the same rows.
            var read = ImportFileReader.Read(content, job.Format, int.MaxValue);
            if (read.Error is { } error)
            {
                await FinishAsync(id, token, error.Message, cancellationToken);
                return;
            }
            file = read.Value!;
            if (job.Attempts > options.Value.MaxAttempts)
            {
                await FinishAsync(id, token, $"Given up after {options.Value.MaxAttempts} attempts; rows 1 to {job.RowsDone} were applied.", cancellationToken);
                return;
            }
            if (!await db.Shops.AnyAsync(s => s.Id == job.ShopId, cancellationToken))
            {
                await FinishAsync(id, token, "The shop no longer exists.", cancellationToken);
                return;
            }
        }
        try
        {
            for (var done = job.RowsDone; done < file.Rows.Count; done += options.Value.BatchSize)
            {
                var batch = file.Rows.Skip(done).Take(options.Value.BatchSize).ToList();
                if (!await StepAsync(id, token, job.DryRun, (applier, current) => applier.ApplyAsync(current, batch, cancellationToken), () => 0, cancellationToken, finish: false))
                {
                    logger.LogWarning("Import {JobId}: the lease was taken over by another worker; it goes on from the last committed batch.", id);
                    return;
                }
            }
            var skus = file.Rows.Where(r => r.Sku is not null).Select(r => r.Sku!).ToHashSet(StringComparer.Ordinal);
            var archived = 0;
            await StepAsync(id, token, job.DryRun, async (applier, current) =>
            {
                archived = current.ArchiveMissing ? await applier.ArchiveMissingAsync(current, skus, cancellationToken) : 0;
                return [];
            }, () => archived, cancellationToken, finish: true);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Import {JobId} failed at a batch; it is tried again once its lease ends.", id);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            var retryAt = time.GetUtcNow() + TimeSpan.FromMilliseconds(options.Value.PollIntervalMs);
            await db.ImportJobs.Where(j => j.Id == id && j.LeaseToken == token)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, retryAt), CancellationToken.None);
        }
    }

    /// <summary>
    /// One transaction: the work, its report rows and the job's progress, committed only while this worker still holds
    /// the lease. A dry run rolls the work back and commits the report and progress alone.
    /// </summary>
    private async Task<bool> StepAsync(
        Guid id, Guid token, bool dryRun, Func<ImportApplier, ImportJob, Task<List<ImportRowResult>>> work, Func<int> archived,
        CancellationToken cancellationToken, bool finish)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
        var applier = scope.ServiceProvider.GetRequiredService<ImportApplier>();
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var current = await db.ImportJobs.SingleAsync(j => j.Id == id, cancellationToken);
            if (current.LeaseToken != token || current.State != ImportJobState.Running)
            {
                return false;
            }
            var rows = await work(applier, current);
            if (dryRun)
            {
                await transaction.RollbackAsync(cancellationToken);
                await transaction.DisposeAsync();
                db.ChangeTracker.Clear();
                transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                current = await db.ImportJobs.SingleAsync(j => j.Id == id, cancellationToken);
                if (current.LeaseToken != token || current.State != ImportJobState.Running)
                {
                    return false;
                }
            }
            db.ImportRows.AddRange(rows);
            var now = time.GetUtcNow();
            current.RowsDone += rows.Count;
            current.Created += rows.Count(r => r.Outcome == ImportRowOutcome.Created);
            current.Updated += rows.Count(r => r.Outcome == ImportRowOutcome.Updated);
            current.Unchanged += rows.Count(r => r.Outcome == ImportRowOutcome.Unchanged);
            current.Rejected += rows.Count(r => r.Outcome == ImportRowOutcome.Rejected);
            current.LeaseUntil = now + TimeSpan.FromSeconds(options.Value.LeaseSeconds);
            if (finish)
            {
                current.Archived = archived();
                current.State = ImportJobState.Succeeded;
                current.FinishedAt = now;
                current.LeaseToken = null;
                current.LeaseUntil = null;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    private async Task FinishAsync(Guid id, Guid token, string error, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
        var now = time.GetUtcNow();
        await db.ImportJobs.Where(j => j.Id == id && j.LeaseToken == token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, ImportJobState.Failed)
                .SetProperty(j => j.Error, error)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LeaseToken, (Guid?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }
}
