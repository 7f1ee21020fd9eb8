using System.Globalization;
using System.Text.Json;
using EStore.Notification.Data;
using EStore.Notification.Services;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Notification.Delivery;

/// <summary>
/// Sends pending mails: claims a batch of due rows (a lease, so several instances never send one row at once), sends
/// them over one SMTP connection, and records each outcome. A failure waits <see cref="RetrySchedule"/> (doubling, on
/// <see cref="TimeProvider"/>) and after the last attempt the mail is failed. Delivery is at least once: a crash
/// between the server's acceptance and the row's update sends that mail again when its lease runs out.
/// </summary>
public sealed partial class MailDeliveryWorker(
    IServiceScopeFactory scopes,
    SmtpMailer mailer,
    MailTemplates templates,
    IOptions<NotificationOptions> options,
    IOptions<SmtpOptions> smtp,
    IOptions<AccountTokenKeyOptions> keys,
    TimeProvider time,
    ILogger<MailDeliveryWorker> logger) : BackgroundService
{
    private readonly RetrySchedule _schedule = RetrySchedule.From(options.Value);

    // Rounds in a row that could not reach the SMTP server (one worker per instance, so no sharing).
    private int _outageRounds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The database is away: the rows wait for it, nothing is lost.
                LogDatabaseError(ex.GetType().Name, ex.Message);
            }
            catch (Exception ex)
            {
                // Never out of the loop: a worker that stops takes the host with it. Claimed rows come back when their
                // lease ends.
                LogRoundFailed(ex);
            }
            if (claimed == 0)
            {
                try
                {
                    await MailSignal.WaitAsync(poll, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Sends one batch of due mails; answers how many it claimed.</summary>
    internal async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        var mails = await ClaimAsync(db, cancellationToken);
        if (mails.Count == 0)
        {
            return 0;
        }
        SmtpMailer.Session? session = null;
        string? connectError = null;
        try
        {
            session = await mailer.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
        {
            connectError = $"connect: {Describe(ex)}";
        }
        if (connectError is not null)
        {
            // The server is away, not the mails at fault: they wait (the wait doubling with each failed round, as a
            // mail's would) without spending attempts, so no outage, however long, fails a mail.
            var wait = _schedule.DelayAfter(++_outageRounds);
            foreach (var mail in mails)
            {
                Postpone(mail, connectError, wait);
            }
            await db.SaveChangesAsync(CancellationToken.None);
            LogServerAway(_outageRounds, mails.Count, wait.TotalSeconds, connectError);
            return mails.Count;
        }
        _outageRounds = 0;
        // A mail started this close to the lease's end could still be sending when another instance claims it. At most
        // half the lease, so the first mail of a batch is always tried.
        var margin = TimeSpan.FromSeconds(Math.Min(2 * smtp.Value.TimeoutSeconds, options.Value.LeaseSeconds / 2.0));
        var sendBefore = mails[0].LeaseUntil!.Value - margin;
        try
        {
            foreach (var mail in mails)
            {
                if (time.GetUtcNow().UtcDateTime >= sendBefore)
                {
                    Release(mail);
                    await db.SaveChangesAsync(CancellationToken.None);
                    continue;
                }
                string? error = null;
                var permanent = false;
                if (session is not null)
                {
                    try
                    {
                        var reply = await session.SendAsync(mail, Render(mail), cancellationToken);
                        Sent(mail, reply);
                    }
                    catch (MailRenderException ex)
                    {
                        // Rendering it again gives the same result: failed now, for an admin to look at.
                        (error, permanent) = ($"render: {ex.Message}", true);
                    }
                    catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
                    {
                        error = Describe(ex);
                    }
                }
                if (error is not null)
                {
                    Failed(mail, error, permanent);
                }
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }
        return mails.Count;
    }

    private async Task<List<Mail>> ClaimAsync(NotificationDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Mails
            .Where(m => m.Status == MailStatus.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
            .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(options.Value.BatchSize).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return [];
        }
        // Conditional: a row another instance claimed in between keeps its lease and is not ours.
        var claim = Guid.NewGuid();
        var until = now.AddSeconds(options.Value.LeaseSeconds);
        await db.Mails
            .Where(m => due.Contains(m.Id) && m.Status == MailStatus.Pending && (m.LeaseUntil == null || m.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, until).SetProperty(m => m.LeaseOwner, claim), cancellationToken);
        return await db.Mails.Where(m => m.LeaseOwner == claim).OrderBy(m => m.NextAttemptAt).ToListAsync(cancellationToken);
    }

    /// <summary>The mail's bodies, with the layout's values and, for account mails, the link with the opened token.</summary>
    internal RenderedMail Render(Mail mail)
    {
        var settings = options.Value;
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(mail.Model) ?? [];
        var storeUrl = settings.StoreUrl.TrimEnd('/');
        values["name"] = mail.ToName;
        values["storeName"] = settings.StoreName;
        values["storeUrl"] = storeUrl;
        if (MailModel.LinkExpired(values, time.GetUtcNow()))
        {
            // A dead link helps nobody; the user asks for a new one.
            throw new MailRenderException("the link expired before the mail could be sent");
        }
        values.Remove(MailModel.LinkExpiresAt);
        if (values.Remove(MailModel.SealedToken, out var sealedToken))
        {
            var (purpose, path) = mail.Kind == MailKinds.PasswordReset
                ? (SealedToken.PasswordResetPurpose, settings.ResetPasswordPath)
                : (SealedToken.EmailVerificationPurpose, settings.VerifyEmailPath);
            if (mail.UserId is not { } userId || !SealedToken.TryOpen(keys.Value.Key, purpose, userId, sealedToken, out var token))
            {
                throw new MailRenderException("the sealed token does not open (is AccountTokens:EncryptionKey identity-service's?)");
            }
            values["link"] = $"{storeUrl}{path}?token={Uri.EscapeDataString(token)}";
        }
        else if (values.Remove(MailModel.Path, out var linkPath))
        {
            values["link"] = storeUrl + linkPath;
        }
        try
        {
            return templates.Render(mail.Kind, values);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new MailRenderException(ex.Message);
        }
    }

    private void Sent(Mail mail, string reply)
    {
        mail.Status = MailStatus.Sent;
        mail.Attempts++;
        mail.SentAt = time.GetUtcNow().UtcDateTime;
        mail.ProviderMessageId = Cut(string.IsNullOrWhiteSpace(reply) ? mail.Id.ToString("N") : reply.Trim());
        mail.LastError = null;
        mail.LeaseUntil = null;
        mail.LeaseOwner = null;
        LogSent(mail.Id, mail.Kind, mail.Attempts);
    }

    private void Failed(Mail mail, string error, bool permanent)
    {
        mail.Attempts++;
        mail.LastError = Cut(error);
        mail.LeaseUntil = null;
        mail.LeaseOwner = null;
        if (permanent || _schedule.IsExhausted(mail.Attempts))
        {
            mail.Status = MailStatus.Failed;
            LogGaveUp(mail.Id, mail.Kind, mail.Attempts, mail.LastError);
            return;
        }
        var wait = _schedule.DelayAfter(mail.Attempts);
        mail.NextAttemptAt = time.GetUtcNow().UtcDateTime + wait;
        LogRetry(mail.Id, mail.Kind, mail.Attempts, wait.TotalSeconds, mail.LastError);
    }

    private void Postpone(Mail mail, string error, TimeSpan wait)
    {
        mail.LastError = Cut(error);
        mail.NextAttemptAt = time.GetUtcNow().UtcDateTime + wait;
        mail.LeaseUntil = null;
        mail.LeaseOwner = null;
    }

    // Not tried: its lease ends too soon. Free for the next claim, by any instance, at once.
    private static void Release(Mail mail)
    {
        mail.LeaseUntil = null;
        mail.LeaseOwner = null;
    }

    // The server's reply code says whether it refused for now (4xx) or for good (5xx); MailKit's message may be empty.
    private static string Describe(Exception ex) => ex switch
    {
        MailKit.Net.Smtp.SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode}): {smtp.Message}".TrimEnd(' ', ':'),
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private static string Cut(string text) => text.Length <= NotificationLimits.Error ? text : text[..NotificationLimits.Error];

    // Everything but the service stopping is this mail's failure, retried and in the end visible to admins: an SMTP
    // server that is down or refuses, and also a setting it does not support (STARTTLS, AUTH) or an address it cannot
    // take. Letting such an exception out would stop the worker, and the host with it, on every start.
    private static bool IsDeliveryFailure(Exception ex, CancellationToken stopping) =>
        ex is not OperationCanceledException || !stopping.IsCancellationRequested;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "mail {MailId} ({Kind}) sent after {Attempts} attempt(s)")]
    private partial void LogSent(Guid mailId, string kind, int attempts);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "mail {MailId} ({Kind}) attempt {Attempts} failed; next in {Seconds} s: {Error}")]
    private partial void LogRetry(Guid mailId, string kind, int attempts, double seconds, string error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "mail {MailId} ({Kind}) failed after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(Guid mailId, string kind, int attempts, string error);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "SMTP server unreachable ({Rounds} round(s) in a row); {Count} mail(s) wait {Seconds} s without spending an attempt: {Error}")]
    private partial void LogServerAway(int rounds, int count, double seconds, string error);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "mail delivery cannot reach its database: {Type}: {Message}")]
    private partial void LogDatabaseError(string type, string message);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "a mail delivery round failed; it is tried again")]
    private partial void LogRoundFailed(Exception exception);
}

/// <summary>A mail that cannot be rendered (a template without a value, a token that does not open).</summary>
public sealed class MailRenderException(string message) : Exception(message);

/// <summary>Model keys the worker turns into the <c>link</c> at send time.</summary>
public static class MailModel
{
    /// <summary>A sealed account token (verification, reset): opened only to render the link.</summary>
    public const string SealedToken = "sealedToken";

    /// <summary>A path in the storefront (<c>/orders/...</c>): the link is the store's URL and it.</summary>
    public const string Path = "path";

    /// <summary>When the sealed token's link stops working (ISO 8601): such a mail is never sent or resent later.</summary>
    public const string LinkExpiresAt = "linkExpiresAt";

    /// <summary>The value of <see cref="LinkExpiresAt"/> for a link that expires at <paramref name="at"/>.</summary>
    public static string Expiry(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Whether the model holds a link that has expired by <paramref name="now"/>.</summary>
    public static bool LinkExpired(IReadOnlyDictionary<string, string> model, DateTimeOffset now) =>
        model.TryGetValue(LinkExpiresAt, out var value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires)
        && expires <= now;
}
