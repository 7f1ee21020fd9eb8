using System.Data.Common;
using System.Text;
using EStore.Product.Data;
using EStore.Product.Import;
using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static EStore.Product.Tests.Infrastructure.ImportHelpers;

namespace EStore.Product.Tests;

/// <summary>
/// Import jobs across instances: a dead instance's job is resumed after its lease, a worker that lost its lease commits
/// nothing more, two instances never run one job twice; finished jobs' files and reports and old feed runs are trimmed.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class ImportJobTests(ProductStack stack)
{
    [Fact]
    public async Task A_job_left_claimed_by_a_dead_instance_is_resumed_after_its_lease_from_the_last_committed_batch()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Resume {tag}");
        var csv = string.Join("\r\n", "sku,name,price,stock,categoryPath",
            $"R1-{tag},Resumed {tag},1,1,Kitchen", $"R2-{tag},Resumed {tag},2,2,Kitchen",
            $"R3-{tag},Resumed {tag},3,3,Kitchen", $"R4-{tag},Resumed {tag},4,4,Kitchen");
        var jobId = Guid.NewGuid();
        // As a dead instance leaves it: running, its lease over, the first batch (rows 1-2) committed and reported.
        await stack.WithDbAsync(async db =>
        {
            db.ImportJobs.Add(new ImportJob
            {
                Id = jobId,
                ShopId = shop,
                RequestedBy = Guid.NewGuid(),
                Format = ImportFileReader.Csv,
                State = ImportJobState.Running,
                RowsTotal = 4,
                RowsDone = 2,
                Created = 2,
                Attempts = 1,
                LeaseToken = Guid.NewGuid(),
                LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(-1),
                CreatedAt = DateTimeOffset.UtcNow,
                StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            db.ImportFiles.Add(new ImportFile { JobId = jobId, Content = Encoding.UTF8.GetBytes(csv) });
            db.ImportRows.AddRange(
                new ImportRowResult { JobId = jobId, Row = 1, Sku = $"R1-{tag}", Outcome = ImportRowOutcome.Created },
                new ImportRowResult { JobId = jobId, Row = 2, Sku = $"R2-{tag}", Outcome = ImportRowOutcome.Created });
            return await db.SaveChangesAsync();
        });

        var job = await stack.WaitForImportAsync(jobId, owner);

        Assert.Equal("SUCCEEDED", job.GetProperty("state").GetString());
        Assert.Equal((4, 4), (job.GetProperty("rowsDone").GetInt32(), job.GetProperty("created").GetInt32()));
        Assert.Equal([1, 2, 3, 4], job.GetProperty("rows").GetProperty("items").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        // Rows of the committed batch were not applied again; the rest were, once.
        Assert.Null(await stack.VariantAsync($"R1-{tag}"));
        Assert.Null(await stack.VariantAsync($"R2-{tag}"));
        Assert.Equal(3, (await stack.VariantAsync($"R3-{tag}"))!.Stock);
        Assert.Single(await stack.LedgerAsync($"R4-{tag}"));
        Assert.Equal(2, await stack.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == jobId).Select(j => j.Attempts).SingleAsync()));
    }

    [Fact]
    public async Task Two_instances_on_one_database_run_each_job_exactly_once()
    {
        await using var second = stack.StartInstance();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Twice {tag}");
        var jobs = new List<Guid>();
        for (var j = 0; j < 6; j++)
        {
            var lines = Enumerable.Range(1, 5).Select(i => $"T{j}-{i}-{tag},Twice {tag} {j},{i},{i},Kitchen").Prepend("sku,name,price,stock,categoryPath").ToArray();
            // Half the jobs are stored through each instance; either may work any of them.
            using var response = await (j % 2 == 0 ? stack.Product.Http : second.Http).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/products/import?shopId={shop}")
            {
                Content = Csv(lines),
                Headers = { Authorization = new("Bearer", owner) },
            });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, text);
            jobs.Add(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid());
        }

        foreach (var id in jobs)
        {
            var job = await stack.WaitForImportAsync(id, owner);
            Assert.Equal("SUCCEEDED", job.GetProperty("state").GetString());
            Assert.Equal(5, job.GetProperty("rows").GetProperty("total").GetInt32());
            Assert.Equal(5, job.GetProperty("created").GetInt32());
        }
        Assert.All(await stack.WithDbAsync(db => db.ImportJobs.Where(j => jobs.Contains(j.Id)).Select(j => j.Attempts).ToListAsync()), attempts => Assert.Equal(1, attempts));
        for (var j = 0; j < 6; j++)
        {
            for (var i = 1; i <= 5; i++)
            {
                var line = Assert.Single(await stack.LedgerAsync($"T{j}-{i}-{tag}"));
                Assert.Equal((i, "import"), (line.Delta, line.Reason));
            }
        }
    }

    [Fact]
    public async Task A_worker_that_loses_its_lease_mid_job_commits_nothing_more_and_its_successor_applies_each_row_once()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Lease {tag}");
        await stack.CreateProductAsync(shop, owner, $"Leased {tag}", "known", ($"L3-{tag}", 1, 0));
        var csv = string.Join("\r\n", "sku,name,price,stock,categoryPath",
            $"L1-{tag},Leased {tag},1,1,Kitchen", $"L2-{tag},Leased {tag},2,2,Kitchen",
            $"L3-{tag},Leased {tag},3,30,Kitchen", $"L4-{tag},Leased {tag},4,4,Kitchen");
        var jobId = Guid.NewGuid();
        // Held by nobody until well after now: the stack's worker leaves it alone; worker A, whose clock runs two hours
        // ahead, finds the lease ended and claims it.
        await stack.WithDbAsync(async db =>
        {
            db.ImportJobs.Add(new ImportJob
            {
                Id = jobId,
                ShopId = shop,
                RequestedBy = Guid.NewGuid(),
                Format = ImportFileReader.Csv,
                State = ImportJobState.Running,
                RowsTotal = 4,
                LeaseToken = Guid.NewGuid(),
                LeaseUntil = DateTimeOffset.UtcNow.AddHours(1),
                CreatedAt = DateTimeOffset.UtcNow,
            });
            db.ImportFiles.Add(new ImportFile { JobId = jobId, Content = Encoding.UTF8.GetBytes(csv) });
            return await db.SaveChangesAsync();
        });
        var hold = new HoldSecondReportSave();
        await using var instanceA = stack.StartInstance(
            new Dictionary<string, string?> { ["Import:WorkerEnabled"] = "false", ["Feeds:SchedulerEnabled"] = "false" },
            services => services.ConfigureDbContext<ProductDbContext>(options => options.AddInterceptors(hold)));
        var clockA = new TestClock();
        clockA.Advance(TimeSpan.FromHours(2));
        var services = instanceA.Services;
        var workerA = new ImportWorker(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<IOptions<ImportOptions>>(),
            services.GetRequiredService<ImportSignal>(), services.GetRequiredService<ImportRetention>(), clockA, NullLogger<ImportWorker>.Instance);

        // A commits rows 1-2, applies rows 3-4 in its transaction (L3's row locked, L4 inserted) and stalls before saving
        // that batch's report and progress; meanwhile its lease ends and the stack's worker claims the job.
        var runA = workerA.RunOnceAsync(CancellationToken.None);
        await hold.Held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var committed = await stack.WithDbAsync(db => db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId));
        Assert.Equal((2, 1), (committed.RowsDone, committed.Attempts));
        await stack.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));
        await Eventually.TrueAsync(() => stack.WithDbAsync(db => db.ImportJobs.AnyAsync(j => j.Id == jobId && j.Attempts == 2)),
            "the stack's worker to take the job over", TimeSpan.FromSeconds(30));
        hold.Release.TrySetResult();

        Assert.Equal(1, await runA.WaitAsync(TimeSpan.FromSeconds(60)));
        var job = await stack.WaitForImportAsync(jobId, owner);
        Assert.Equal("SUCCEEDED", job.GetProperty("state").GetString());
        Assert.Equal((4, 3, 1), (job.GetProperty("rowsDone").GetInt32(), job.GetProperty("created").GetInt32(), job.GetProperty("updated").GetInt32()));
        Assert.Equal([1, 2, 3, 4], job.GetProperty("rows").GetProperty("items").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        // A's batch was rolled back with its lost lease; the successor's applied it once.
        Assert.Equal(30, (await stack.VariantAsync($"L3-{tag}"))!.Stock);
        var l3 = Assert.Single(await stack.LedgerAsync($"L3-{tag}"), m => m.Reason == ImportApplier.LedgerReason);
        Assert.Equal((29, 30), (l3.Delta, l3.StockAfter));
        foreach (var (sku, stock) in new[] { ($"L1-{tag}", 1), ($"L2-{tag}", 2), ($"L4-{tag}", 4) })
        {
            Assert.Equal(stock, (await stack.VariantAsync(sku))!.Stock);
            Assert.Equal(stock, Assert.Single(await stack.LedgerAsync(sku)).Delta);
        }
    }

    [Fact]
    public async Task Finished_jobs_lose_their_file_and_report_after_the_retention_days_and_feeds_keep_their_newest_runs()
    {
        var now = DateTimeOffset.UtcNow;
        var (old, recent, feedId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await stack.WithDbAsync(async db =>
        {
            foreach (var (id, finished) in new[] { (old, now.AddDays(-6)), (recent, now) })
            {
                db.ImportJobs.Add(new ImportJob
                {
                    Id = id,
                    ShopId = Guid.NewGuid(),
                    RequestedBy = Guid.NewGuid(),
                    Format = ImportFileReader.Csv,
                    State = ImportJobState.Succeeded,
                    RowsTotal = 2,
                    RowsDone = 2,
                    Created = 2,
                    Attempts = 1,
                    CreatedAt = finished.AddMinutes(-1),
                    StartedAt = finished.AddMinutes(-1),
                    FinishedAt = finished,
                });
                db.ImportFiles.Add(new ImportFile { JobId = id, Content = Encoding.UTF8.GetBytes("sku,name,price\r\nA,B,1\r\nC,D,2\r\n") });
                db.ImportRows.AddRange(
                    new ImportRowResult { JobId = id, Row = 1, Sku = "A", Outcome = ImportRowOutcome.Created },
                    new ImportRowResult { JobId = id, Row = 2, Sku = "C", Outcome = ImportRowOutcome.Created });
            }
            // Not due for a year: no scheduler runs it.
            db.Feeds.Add(new SupplierFeed { Id = feedId, ShopId = Guid.NewGuid(), Url = "https://supplier.example/feed.csv", IntervalMinutes = 60, NextRunAt = now.AddYears(1), CreatedAt = now });
            db.FeedRuns.AddRange(Enumerable.Range(1, 5).Select(i => new FeedRun { FeedId = feedId, At = now.AddMinutes(-i), Error = $"run {i} minutes ago" }));
            return await db.SaveChangesAsync();
        });

        var clock = new TestClock();
        await using var trimmer = stack.StartInstance(
            new Dictionary<string, string?> { ["Import:RetainDays"] = "7", ["Feeds:HistoryRuns"] = "3", ["Feeds:SchedulerEnabled"] = "false" },
            services => services.AddSingleton<TimeProvider>(clock));

        // Its worker trims at once: the feed keeps its three newest runs; both jobs are younger than 7 days.
        await Eventually.TrueAsync(() => stack.WithDbAsync(async db => await db.FeedRuns.CountAsync(r => r.FeedId == feedId) == 3),
            "the feed's history to be trimmed to 3 runs", TimeSpan.FromSeconds(30));
        Assert.Equal(["run 1 minutes ago", "run 2 minutes ago", "run 3 minutes ago"],
            await stack.WithDbAsync(db => db.FeedRuns.Where(r => r.FeedId == feedId).OrderByDescending(r => r.At).Select(r => r.Error!).ToListAsync()));
        Assert.True(await stack.WithDbAsync(db => db.ImportFiles.AnyAsync(f => f.JobId == old)));

        // A day and a half later the older job is 7.5 days old: its file and report go, the job and its counts stay.
        clock.Advance(TimeSpan.FromDays(1.5));
        await Eventually.TrueAsync(() => stack.WithDbAsync(async db => !await db.ImportFiles.AnyAsync(f => f.JobId == old)),
            "the old job's file to be deleted", TimeSpan.FromSeconds(30));
        Assert.False(await stack.WithDbAsync(db => db.ImportRows.AnyAsync(r => r.JobId == old)));
        var kept = await stack.WithDbAsync(db => db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == old));
        Assert.Equal((ImportJobState.Succeeded, 2), (kept.State, kept.Created));
        Assert.True(await stack.WithDbAsync(db => db.ImportFiles.AnyAsync(f => f.JobId == recent)));
        Assert.Equal(2, await stack.WithDbAsync(db => db.ImportRows.CountAsync(r => r.JobId == recent)));
    }

    /// <summary>
    /// Holds the command that saves an import batch's report rows (with the job's progress, the last step before the
    /// batch commits) the second time it comes, until released.
    /// </summary>
    private sealed class HoldSecondReportSave : DbCommandInterceptor
    {
        private int _seen;

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("import_rows", StringComparison.Ordinal) && command.CommandText.Contains("INSERT", StringComparison.Ordinal)
                && Interlocked.Increment(ref _seen) == 2)
            {
                Held.TrySetResult();
                await Release.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            }
            return result;
        }
    }
}
