using EStore.Product.Data;
using EStore.Product.Feeds;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Import;

/// <summary>
/// Trims what imports and feeds leave behind, from the import worker's loop at most once per <see cref="Interval"/>
/// (on <see cref="TimeProvider"/>): a job finished (succeeded or failed) more than <c>Import:RetainDays</c> ago loses its
/// file and its per-row report (the job with its counts stays), and each feed keeps its newest <c>Feeds:HistoryRuns</c>
/// runs. Every instance may trim; the deletes are idempotent.
/// </summary>
public sealed partial class ImportRetention(
    IServiceScopeFactory scopes, IOptions<ImportOptions> options, IOptions<FeedOptions> feedOptions, TimeProvider time, ILogger<ImportRetention> logger)
{
    /// <summary>How often the worker trims.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private DateTimeOffset? _last;

    /// <summary>Trims when the last trim is <see cref="Interval"/> ago (or never ran here).</summary>
    public async Task TrimIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_last is { } last && now - last < Interval)
        {
            return;
        }
        await TrimAsync(cancellationToken);
        _last = now;
    }

    /// <summary>Deletes old jobs' files and reports and feed runs beyond the history; returns how many rows went.</summary>
    public async Task<int> TrimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetainDays);
        var old = db.ImportJobs.Where(j => (j.State == ImportJobState.Succeeded || j.State == ImportJobState.Failed) && j.FinishedAt < cutoff).Select(j => j.Id);
        var files = await db.ImportFiles.Where(f => old.Contains(f.JobId)).ExecuteDeleteAsync(cancellationToken);
        var rows = await db.ImportRows.Where(r => old.Contains(r.JobId)).ExecuteDeleteAsync(cancellationToken);
        var keep = feedOptions.Value.HistoryRuns;
        var runs = await db.FeedRuns
            .Where(r => db.FeedRuns.Count(n => n.FeedId == r.FeedId && (n.At > r.At || (n.At == r.At && n.Id > r.Id))) >= keep)
            .ExecuteDeleteAsync(cancellationToken);
        if (files + rows + runs > 0)
        {
            LogTrimmed(logger, files, rows, runs);
        }
        return files + rows + runs;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Files} import files, {Rows} report rows and {Runs} feed runs deleted")]
    private static partial void LogTrimmed(ILogger logger, int files, int rows, int runs);
}
