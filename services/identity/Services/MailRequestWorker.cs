using EStore.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// Handles the <see cref="PendingMail"/> rows that forgot-password, resend-verification and duplicate registrations
/// store: claims each with a lease (several instances share the table), then
/// <see cref="AccountService.ProcessMailRequestAsync"/> creates the token and its event and deletes the row in one
/// transaction. A row whose handler failed or whose instance died is taken up again when its lease ends; rows older
/// than a day are dropped (logged). It polls (<c>Identity:Mail:PollMilliseconds</c>) rather than being woken by each
/// request, so its work for known addresses does not follow their requests in time.
/// </summary>
public sealed partial class MailRequestWorker(
    IdentitySettings settings,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<MailRequestWorker> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0)
                {
                }
                await Task.Delay(settings.MailPollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be down: the rows wait, the next round tries again.
                LogRoundFailed(ex);
                await Task.Delay(settings.MailPollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Handles up to a batch of due rows; the number handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var stale = now - GiveUpAfter;
        if (await db.PendingMails.Where(m => m.CreatedAt < stale).ExecuteDeleteAsync(cancellationToken) is > 0 and var dropped)
        {
            LogDropped(dropped);
        }
        var due = await db.PendingMails.AsNoTracking()
            .Where(m => m.LeasedUntil == null || m.LeasedUntil < now)
            .OrderBy(m => m.Id).Take(BatchSize).ToListAsync(cancellationToken);
        var handled = 0;
        foreach (var mail in due)
        {
            var leasedUntil = now + Lease;
            // Of two instances, one claims the row.
            var claimed = await db.PendingMails.Where(m => m.Id == mail.Id && (m.LeasedUntil == null || m.LeasedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeasedUntil, (DateTime?)leasedUntil), cancellationToken);
            if (claimed != 1)
            {
                continue;
            }
            try
            {
                await using var work = scopes.CreateAsyncScope();
                await work.ServiceProvider.GetRequiredService<AccountService>().ProcessMailRequestAsync(mail, cancellationToken);
                handled++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogFailed(ex, mail.Purpose, mail.Id);
            }
        }
        return handled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Purpose} mail request {Id} failed; retried when its lease ends")]
    private partial void LogFailed(Exception exception, OneTimeTokenPurpose purpose, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail requests could not be handled; retrying")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} mail requests older than a day dropped")]
    private partial void LogDropped(int count);
}
