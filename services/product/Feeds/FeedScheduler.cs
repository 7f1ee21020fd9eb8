using EStore.Product.Data;
using EStore.Product.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Feeds;

/// <summary>
/// Runs due supplier feeds: a due feed is claimed by moving its <see cref="SupplierFeed.NextRunAt"/> on with a
/// conditional UPDATE (so one instance runs each due run), fetched through <see cref="FeedFetcher"/> and, when the file
/// reads, stored as an import job the import workers apply. Every fetch is a <see cref="FeedRun"/> in the feed's history.
/// </summary>
public sealed class FeedScheduler(
    IServiceScopeFactory scopes, FeedFetcher fetcher, FeedCredentialSeal seal, FeedSignal signal, ImportSignal importSignal, IOptions<FeedOptions> options,
    IOptions<ImportOptions> importOptions, TimeProvider time, ILogger<FeedScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SchedulerEnabled)
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
                await signal.WaitAsync(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Feed round failed; trying again.");
                await Task.Delay(TimeSpan.FromSeconds(options.Value.PollSeconds), time, stoppingToken)
                    .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims and runs the feeds due now; returns how many it ran.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<SupplierFeed> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            due = await db.Feeds.AsNoTracking().Where(f => f.NextRunAt <= now).OrderBy(f => f.NextRunAt).Take(10).ToListAsync(cancellationToken);
        }
        var ran = 0;
        foreach (var feed in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            var next = time.GetUtcNow() + TimeSpan.FromMinutes(feed.IntervalMinutes);
            if (await db.Feeds.Where(f => f.Id == feed.Id && f.NextRunAt == feed.NextRunAt)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.NextRunAt, next), cancellationToken) != 1)
            {
                continue;
            }
            ran++;
            await RunAsync(db, feed, cancellationToken);
        }
        return ran;
    }

    private async Task RunAsync(ProductDbContext db, SupplierFeed feed, CancellationToken cancellationToken)
    {
        var (credentials, sealError) = seal.Open(feed);
        var fetched = credentials is null ? new FeedFetch(null, null, sealError) : await fetcher.FetchAsync(feed.Url, credentials, cancellationToken);
        var now = time.GetUtcNow();
        var run = new FeedRun { FeedId = feed.Id, At = now, Bytes = fetched.Content?.LongLength ?? 0, Error = fetched.Error };
        if (fetched.Content is { } content)
        {
            var format = ImportFileReader.DetectFormat(feed.Format, fetched.ContentType, new Uri(feed.Url).AbsolutePath, content);
            var read = ImportFileReader.Read(content, format, importOptions.Value.MaxRows);
            if (read.Error is { } error)
            {
                run.Error = error.Fields is { Count: > 0 } fields ? $"{error.Message} {string.Join(" ", fields.SelectMany(f => f.Value))}" : error.Message;
            }
            else
            {
                var job = await ImportJobs.QueueAsync(db, new ImportRequest(feed.ShopId, false, feed.ArchiveMissing, feed.CreateCategories), feed.CreatedBy, feed.Id,
                    read.Value!, content, now, cancellationToken);
                run.JobId = job.Id;
                run.Succeeded = true;
                importSignal.Wake();
            }
        }
        if (run.Error is { Length: > 1000 } tooLong)
        {
            run.Error = tooLong[..1000];
        }
        if (!run.Succeeded)
        {
            // The address is the owner's own; the reason is theirs to read in the history, and ours in the log.
            logger.LogWarning("Feed {FeedId} of shop {ShopId} failed: {Reason}", feed.Id, feed.ShopId, run.Error);
        }
        db.FeedRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
    }
}
