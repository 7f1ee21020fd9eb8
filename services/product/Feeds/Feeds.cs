using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using EStore.Platform.Security;
using EStore.Product.Data;
using EStore.Product.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Product.Feeds;

/// <summary>Body of <c>POST /api/products/feeds</c>.</summary>
public sealed record FeedRequest(
    Guid? ShopId, string? Url, string? Format, int? IntervalMinutes, bool? ArchiveMissing, bool? CreateCategories, FeedAuthRequest? Auth);

/// <summary>A feed's credentials: <c>basic</c> (username, password) or <c>header</c> (headerName, token).</summary>
public sealed record FeedAuthRequest(string? Type, string? Username, string? Password, string? HeaderName, string? Token);

/// <summary>A feed as shown to its owner: how it authenticates, never the secret itself.</summary>
public sealed record FeedDto(
    Guid Id, Guid ShopId, string Url, string? Format, int IntervalMinutes, bool ArchiveMissing, bool CreateCategories, string Auth,
    string? HeaderName, DateTimeOffset NextRunAt, DateTimeOffset CreatedAt, IReadOnlyList<FeedRunDto>? Runs);

/// <summary>One fetch of a feed and the import job it started (with that job's state).</summary>
public sealed record FeedRunDto(DateTimeOffset At, bool Succeeded, string? Error, long Bytes, Guid? JobId, string? JobState);

/// <summary>Shop owners (their own shops) and admins register, list, read, run and delete supplier feeds.</summary>
public sealed class Feeds(
    ProductDbContext db, ImportJobs jobs, FeedFetcher fetcher, FeedCredentialSeal seal, FeedSignal signal, IOptions<ImportOptions> importOptions, TimeProvider time)
{
    public const int MinIntervalMinutes = 5;
    public const int MaxIntervalMinutes = 10_080;

    public async Task<Result<FeedDto>> CreateAsync(CurrentUser caller, FeedRequest request, CancellationToken cancellationToken)
    {
        if (request.ShopId is not { } shopId)
        {
            return Error.Validation("shopId", "Required.");
        }
        if (await jobs.CheckShopAsync(caller, shopId, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (request.CreateCategories == true && ImportJobs.CategoryCreationRefused(caller, importOptions.Value) is { } categoriesRefused)
        {
            return categoriesRefused;
        }
        var errors = new Dictionary<string, string[]>();
        if (request.Url is { Length: > 2000 })
        {
            errors["url"] = ["At most 2000 characters."];
        }
        else if (fetcher.CheckUrl(request.Url) is { } problem)
        {
            errors["url"] = [problem];
        }
        var format = request.Format?.ToLowerInvariant();
        if (format is not (null or ImportFileReader.Csv or ImportFileReader.Json))
        {
            errors["format"] = ["csv or json (or leave it out to tell from the answer)."];
        }
        if (request.IntervalMinutes is not (>= MinIntervalMinutes and <= MaxIntervalMinutes))
        {
            errors["intervalMinutes"] = [$"Required, from {MinIntervalMinutes} to {MaxIntervalMinutes}."];
        }
        var auth = request.Auth;
        switch (auth?.Type?.ToLowerInvariant())
        {
            case null or "none":
                auth = null;
                break;
            case "basic":
                if (string.IsNullOrEmpty(auth.Username) || auth.Username.Length > 200 || auth.Username.Contains(':', StringComparison.Ordinal) || auth.Password is not { Length: > 0 and <= 500 })
                {
                    errors["auth"] = ["Basic auth needs a username (no ':', at most 200 characters) and a password (at most 500)."];
                }
                break;
            case "header":
                if (auth.HeaderName is not { Length: > 0 and <= 100 } name || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                    || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || auth.Token is not { Length: > 0 and <= 2000 } token || token.Any(char.IsControl))
                {
                    errors["auth"] = ["A header token needs a headerName (letters, digits, '-'; not Host) and a token (at most 2000 characters)."];
                }
                break;
            default:
                errors["auth"] = ["type is none, basic or header."];
                break;
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var now = time.GetUtcNow();
        var basic = auth?.Type?.Equals("basic", StringComparison.OrdinalIgnoreCase) == true;
        var feed = new SupplierFeed
        {
            Id = Guid.CreateVersion7(now),
            ShopId = shopId,
            CreatedBy = caller.Id,
            Url = request.Url!,
            Format = format,
            BasicUser = basic ? auth!.Username : null,
            HeaderName = auth is not null && !basic ? auth.HeaderName : null,
            IntervalMinutes = request.IntervalMinutes!.Value,
            ArchiveMissing = request.ArchiveMissing ?? false,
            CreateCategories = request.CreateCategories ?? false,
            // The first run is due at once.
            NextRunAt = now,
            CreatedAt = now,
        };
        seal.Seal(feed, basic ? auth!.Password : null, auth is not null && !basic ? auth.Token : null);
        db.Feeds.Add(feed);
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return ToDto(feed, null);
    }

    public async Task<Result<IReadOnlyList<FeedDto>>> ListAsync(CurrentUser caller, Guid shopId, CancellationToken cancellationToken)
    {
        if (await jobs.CheckShopAsync(caller, shopId, cancellationToken) is { } refused)
        {
            return refused;
        }
        var feeds = await db.Feeds.AsNoTracking().Where(f => f.ShopId == shopId).OrderBy(f => f.CreatedAt).ToListAsync(cancellationToken);
        return feeds.Select(f => ToDto(f, null)).ToList();
    }

    public async Task<Result<FeedDto>> FindAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        var (feed, error) = await OwnedAsync(caller, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var runs = await (from r in db.FeedRuns.AsNoTracking()
                          where r.FeedId == id
                          orderby r.At descending, r.Id descending
                          select new { Run = r, State = db.ImportJobs.Where(j => j.Id == r.JobId).Select(j => (ImportJobState?)j.State).FirstOrDefault() })
            .Take(50).ToListAsync(cancellationToken);
        return ToDto(feed!, [.. runs.Select(r => new FeedRunDto(r.Run.At, r.Run.Succeeded, r.Run.Error, r.Run.Bytes, r.Run.JobId, r.State?.ToString().ToUpperInvariant()))]);
    }

    public async Task<Result> DeleteAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        var (feed, error) = await OwnedAsync(caller, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        db.Feeds.Remove(feed!);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success;
    }

    /// <summary>Makes the feed due now (its schedule goes on from this run).</summary>
    public async Task<Result<FeedDto>> RunNowAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        var (feed, error) = await OwnedAsync(caller, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        feed!.NextRunAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return ToDto(feed, null);
    }

    private async Task<(SupplierFeed? Feed, Error? Error)> OwnedAsync(CurrentUser caller, Guid id, CancellationToken cancellationToken)
    {
        var feed = await db.Feeds.SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (feed is null)
        {
            return (null, caller.IsAdmin || caller.IsInRole(UserRoles.ShopOwner) ? Error.NotFound($"Feed {id} does not exist.") : Error.Forbidden("Only shop owners and administrators manage feeds."));
        }
        return await jobs.CheckShopAsync(caller, feed.ShopId, cancellationToken) is { } refused
            ? (null, refused.Kind == ErrorKind.NotFound ? Error.NotFound($"Feed {id} does not exist.") : refused)
            : (feed, null);
    }

    private static FeedDto ToDto(SupplierFeed feed, IReadOnlyList<FeedRunDto>? runs) =>
        new(feed.Id, feed.ShopId, feed.Url, feed.Format, feed.IntervalMinutes, feed.ArchiveMissing, feed.CreateCategories,
            feed.BasicUser is not null ? "basic" : feed.HeaderName is not null ? "header" : "none", feed.HeaderName, feed.NextRunAt, feed.CreatedAt, runs);
}

/// <summary>Wakes the feed scheduler when a feed became due on this instance.</summary>
public sealed class FeedSignal : WakeSignal;
