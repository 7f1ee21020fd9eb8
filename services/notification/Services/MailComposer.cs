using System.Globalization;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Notification.Data;
using EStore.Notification.Delivery;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Notification.Services;

/// <summary>
/// Turns an event into mail rows (pending) in the consumer's transaction, and keeps the local copies of recipients and
/// shops that name them. Nothing is sent here: <see cref="MailDeliveryWorker"/> sends once the transaction commits.
/// </summary>
public sealed partial class MailComposer(
    NotificationDbContext db, MailTemplates templates, IOptions<NotificationOptions> options, TimeProvider time, ILogger<MailComposer> logger)
{
    /// <summary>Adds or updates the local copy of a user; a null name keeps the one known.</summary>
    public async Task RememberUserAsync(Guid userId, string email, string? name, CancellationToken cancellationToken)
    {
        var known = await db.Recipients.FindAsync([userId], cancellationToken);
        if (known is null)
        {
            db.Recipients.Add(new Recipient { UserId = userId, Email = email, Name = name ?? email });
            return;
        }
        known.Email = email;
        known.Name = name ?? known.Name;
    }

    /// <summary>Adds or updates the local copy of a shop.</summary>
    public async Task RememberShopAsync(Guid shopId, Guid? ownerId, string name, string email, CancellationToken cancellationToken)
    {
        var known = await db.Shops.FindAsync([shopId], cancellationToken);
        if (known is null)
        {
            if (ownerId is { } owner)
            {
                db.Shops.Add(new ShopContact { ShopId = shopId, OwnerId = owner, Name = name, Email = email });
            }
            return;
        }
        known.Name = name;
        known.Email = email;
    }

    /// <summary>A mail to a user; <paramref name="address"/> when the event names it, else the local copy's.</summary>
    public Task ToUserAsync(
        EventContext context, string kind, Guid userId, Dictionary<string, string> model, CancellationToken cancellationToken, string? address = null) =>
        ToAsync(context, kind, userId, address, null, model, cancellationToken);

    /// <summary>
    /// A mail to a customer about an order or payment: the local copy's address (kept current by identity events),
    /// else the one the event carries (<paramref name="eventAddress"/>), so a customer whose registration this
    /// service never saw still hears of their order.
    /// </summary>
    public Task ToCustomerAsync(
        EventContext context, string kind, Guid userId, string? eventAddress, Dictionary<string, string> model, CancellationToken cancellationToken) =>
        ToAsync(context, kind, userId, null, eventAddress, model, cancellationToken);

    private async Task ToAsync(
        EventContext context, string kind, Guid userId, string? preferred, string? fallback, Dictionary<string, string> model, CancellationToken cancellationToken)
    {
        var recipient = await db.Recipients.FindAsync([userId], cancellationToken);
        if ((preferred ?? recipient?.Email ?? fallback) is not { } to)
        {
            LogNoAddress(kind, context.EventId, userId);
            return;
        }
        await AddAsync(context, kind, userId, to, recipient?.Name ?? to, model, cancellationToken);
    }

    /// <summary>A mail to a shop's contact address, counted as its owner's; <c>shopName</c> is added to the model unless it has one.</summary>
    public async Task ToShopAsync(EventContext context, string kind, Guid shopId, Dictionary<string, string> model, CancellationToken cancellationToken)
    {
        var shop = await db.Shops.FindAsync([shopId], cancellationToken);
        if (shop is null)
        {
            LogUnknownShop(kind, context.EventId, shopId);
            return;
        }
        model.TryAdd("shopName", shop.Name);
        var owner = await db.Recipients.FindAsync([shop.OwnerId], cancellationToken);
        await AddAsync(context, kind, shop.OwnerId, shop.Email, owner?.Name ?? shop.Name, model, cancellationToken);
    }

    /// <summary>The local copies of the shops named, by id; unknown ones are absent.</summary>
    public async Task<Dictionary<Guid, ShopContact>> ShopContactsAsync(IReadOnlyCollection<Guid> shopIds, CancellationToken cancellationToken) =>
        await db.Shops.AsNoTracking().Where(s => shopIds.Contains(s.ShopId)).ToDictionaryAsync(s => s.ShopId, cancellationToken);

    /// <summary>A shop's name from the local copy, or a neutral stand-in before its <c>ShopCreated</c> arrived.</summary>
    public async Task<string> ShopNameAsync(Guid shopId, CancellationToken cancellationToken) =>
        (await db.Shops.FindAsync([shopId], cancellationToken))?.Name ?? "The shop";

    private async Task AddAsync(
        EventContext context, string kind, Guid userId, string to, string name, Dictionary<string, string> model, CancellationToken cancellationToken)
    {
        if (!await WantsAsync(userId, MailKinds.All[kind], cancellationToken))
        {
            LogOptedOut(kind, context.EventId, userId);
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var subject = templates.Subject(kind, new Dictionary<string, string>(model) { ["storeName"] = options.Value.StoreName });
        db.Mails.Add(new Mail
        {
            Id = Guid.CreateVersion7(),
            EventId = context.EventId,
            Kind = kind,
            UserId = userId,
            ToAddress = to,
            ToName = name,
            Subject = subject.Length <= NotificationLimits.Subject ? subject : subject[..NotificationLimits.Subject],
            Model = JsonSerializer.Serialize(model),
            Status = MailStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        });
        db.AddsMail = true;
    }

    private async Task<bool> WantsAsync(Guid userId, MailCategory category, CancellationToken cancellationToken)
    {
        if (category is MailCategory.AccountSecurity or MailCategory.Orders)
        {
            return true;
        }
        var preference = await db.Preferences.FindAsync([userId], cancellationToken);
        return preference is null || category switch
        {
            MailCategory.Welcome => preference.Welcome,
            MailCategory.LowStock => preference.LowStock,
            MailCategory.ShopStatus => preference.ShopStatus,
            _ => true,
        };
    }

    /// <summary>How mails write amounts: <c>12.50 EUR</c>.</summary>
    public static string Format(Money money) => $"{money.Amount.ToString("0.00", CultureInfo.InvariantCulture)} {money.Currency}";

    /// <summary>How mails write times: <c>2026-12-07 13:05 UTC</c>.</summary>
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The short order number mails show: the random end of the order's id.</summary>
    public static string OrderNumber(Guid orderId) => orderId.ToString("N")[^12..].ToUpperInvariant();

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "no {Kind} mail for event {EventId}: no e-mail address known for user {UserId}")]
    private partial void LogNoAddress(string kind, Guid eventId, Guid userId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "no {Kind} mail for event {EventId}: shop {ShopId} is not known (no ShopCreated seen)")]
    private partial void LogUnknownShop(string kind, Guid eventId, Guid shopId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "no {Kind} mail for event {EventId}: user {UserId} turned these mails off")]
    private partial void LogOptedOut(string kind, Guid eventId, Guid userId);
}
