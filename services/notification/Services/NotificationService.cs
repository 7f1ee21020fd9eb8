using System.Text.Json;
using EStore.Notification.Data;
using EStore.Notification.Delivery;
using EStore.Notification.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Notification.Services;

/// <summary>What the API does: a user's own mails and preferences; the administrators' list and resend.</summary>
public sealed class NotificationService(NotificationDbContext db, TimeProvider time)
{
    private static readonly string[] AlwaysSent = ["account-security", "orders"];

    /// <summary>The caller's own mails, newest first.</summary>
    public Task<PagedResult<MailDto>> ListOwnAsync(CurrentUser caller, PageQuery paging, CancellationToken cancellationToken) =>
        PageAsync(db.Mails.Where(m => m.UserId == caller.Id), paging, forAdmin: false, cancellationToken);

    /// <summary>Every mail, for administrators, filtered by status, kind, user and address.</summary>
    public async Task<Result<PagedResult<MailDto>>> ListAllAsync(
        PageQuery paging, string? status, string? kind, Guid? userId, string? to, CancellationToken cancellationToken)
    {
        var mails = db.Mails.AsQueryable();
        if (status is not null)
        {
            if (!Enum.TryParse<MailStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Error.BadValue("status", "'status' must be pending, sent or failed.");
            }
            mails = mails.Where(m => m.Status == parsed);
        }
        if (kind is not null)
        {
            if (!MailKinds.All.ContainsKey(kind))
            {
                return Error.BadValue("kind", $"'kind' must be one of: {string.Join(", ", MailKinds.All.Keys)}.");
            }
            mails = mails.Where(m => m.Kind == kind);
        }
        if (userId is { } user)
        {
            mails = mails.Where(m => m.UserId == user);
        }
        if (to is not null)
        {
            if (to.Length > NotificationLimits.Email)
            {
                return Error.BadValue("to", $"'to' must be at most {NotificationLimits.Email} characters long.");
            }
            var address = to.Trim().ToLowerInvariant();
            mails = mails.Where(m => m.ToAddress.ToLower() == address);
        }
        return await PageAsync(mails, paging, forAdmin: true, cancellationToken);
    }

    /// <summary>Sends a sent or failed mail again, from its first attempt; a pending one is on its way already (409).</summary>
    public async Task<Result<MailDto>> ResendAsync(Guid id, CancellationToken cancellationToken)
    {
        var mail = await db.Mails.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mail is null)
        {
            return Error.NotFound($"Notification {id} does not exist.");
        }
        if (mail.Status == MailStatus.Pending)
        {
            return Error.Conflict("This mail is still pending: it is sent (or retried) already.");
        }
        var model = JsonSerializer.Deserialize<Dictionary<string, string>>(mail.Model) ?? [];
        if (MailModel.LinkExpired(model, time.GetUtcNow()))
        {
            return Error.Conflict("The link in this mail has expired: the user asks for a new one (resend verification, forgot password).");
        }
        mail.Status = MailStatus.Pending;
        mail.Attempts = 0;
        mail.LastError = null;
        mail.SentAt = null;
        mail.ProviderMessageId = null;
        mail.NextAttemptAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        MailSignal.Wake();
        return ToDto(mail);
    }

    public async Task<PreferencesDto> GetPreferencesAsync(CurrentUser caller, CancellationToken cancellationToken) =>
        ToDto(await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == caller.Id, cancellationToken) ?? new Preference());

    public async Task<PreferencesDto> SetPreferencesAsync(CurrentUser caller, PreferencesRequest request, CancellationToken cancellationToken)
    {
        var preference = await db.Preferences.SingleOrDefaultAsync(p => p.UserId == caller.Id, cancellationToken);
        if (preference is null)
        {
            preference = new Preference { UserId = caller.Id };
            db.Preferences.Add(preference);
        }
        preference.Welcome = request.Welcome ?? preference.Welcome;
        preference.LowStock = request.LowStock ?? preference.LowStock;
        preference.ShopStatus = request.ShopStatus ?? preference.ShopStatus;
        preference.UpdatedAt = time.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (EStore.Platform.Data.DbErrors.IsUniqueViolation(ex))
        {
            // A first PUT raced another one of the same user: that one made the row; apply this change to it.
            db.ChangeTracker.Clear();
            return await SetPreferencesAsync(caller, request, cancellationToken);
        }
        return ToDto(preference);
    }

    private static async Task<PagedResult<MailDto>> PageAsync(IQueryable<Mail> mails, PageQuery paging, bool forAdmin, CancellationToken cancellationToken)
    {
        var total = await mails.CountAsync(cancellationToken);
        var items = await mails.AsNoTracking().OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip(paging.Offset).Take(paging.Size).ToListAsync(cancellationToken);
        // The SMTP server's own words (relay names, other addresses) are for admins; a user sees the status.
        return new PagedResult<MailDto>([.. items.Select(m => forAdmin ? ToDto(m) : ToDto(m) with { LastError = null, ProviderMessageId = null })],
            paging.Page, paging.Size, total);
    }

    private static MailDto ToDto(Mail mail) => new(
        mail.Id, mail.Kind, mail.UserId, mail.ToAddress, mail.Subject, mail.Status.ToString().ToLowerInvariant(), mail.Attempts, mail.LastError,
        mail.ProviderMessageId, Utc(mail.CreatedAt), mail.SentAt is { } sent ? Utc(sent) : null,
        mail.Status == MailStatus.Pending ? Utc(mail.NextAttemptAt) : null);

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static PreferencesDto ToDto(Preference preference) =>
        new(preference.Welcome, preference.LowStock, preference.ShopStatus, AlwaysSent);
}
