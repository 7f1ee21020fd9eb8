using EStore.Payment.Data;
using EStore.Payment.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Services;

/// <summary>Filters of the payment listing; only administrators may name another user.</summary>
public sealed record PaymentFilter(Guid? OrderId, Guid? UserId, string? Status);

/// <summary>
/// Payments with their attempts: a customer sees their own (an order of someone else's lists nothing, exactly like an
/// unknown order); an administrator sees all, filtered by order, user and status.
/// </summary>
public sealed class PaymentQueryService(PaymentDbContext db)
{
    private static readonly string[] Statuses =
        [PaymentStatus.Pending, PaymentStatus.Charging, PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded,
         PaymentStatus.Cancelled];

    public async Task<Result<PaymentPage<PaymentDto>>> ListAsync(CurrentUser caller, PaymentFilter filter, PageQuery page, CancellationToken cancellationToken)
    {
        if (filter.Status is { } status && !Statuses.Contains(status))
        {
            return Error.BadValue("status", $"Unknown status; one of {string.Join(", ", Statuses)}.");
        }
        if (!caller.IsAdmin && filter.UserId is { } user && user != caller.Id)
        {
            // Not an error: someone else's payments simply are not in a customer's list.
            return new PaymentPage<PaymentDto>([], page.Page, page.Size, 0);
        }
        // Only payments whose order is known: a row that so far has only StockReserved has no customer yet.
        var query = db.Payments.AsNoTracking().Where(p => p.OrderReceivedAt != null);
        query = caller.IsAdmin ? query : query.Where(p => p.UserId == caller.Id);
        if (filter.OrderId is { } order)
        {
            query = query.Where(p => p.OrderId == order);
        }
        if (filter.UserId is { } userId)
        {
            query = query.Where(p => p.UserId == userId);
        }
        if (filter.Status is { } wanted)
        {
            query = query.Where(p => p.Status == wanted);
        }
        var total = await query.CountAsync(cancellationToken);
        var payments = await query.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id)
            .Skip(page.Offset).Take(page.Size)
            .Include(p => p.Attempts).Include(p => p.Shares).Include(p => p.Refunds)
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        return new PaymentPage<PaymentDto>([.. payments.Select(ToDto)], page.Page, page.Size, total);
    }

    internal static PaymentDto ToDto(Data.Payment p) => new(p.Id, p.OrderId, p.UserId, p.Status, p.Amount, p.Currency,
        p.AmountCaptured, p.AmountRefunded, p.FailureReason, p.PaymentMethodId,
        [.. p.Shares.OrderBy(s => s.ShopId).Select(s => new PaymentShareDto(s.ShopId, s.Amount))],
        [.. p.Attempts.OrderBy(a => a.Number).Select(a => new PaymentAttemptDto(a.Number, a.Outcome, a.Reason, a.At))],
        [.. p.Refunds.OrderBy(r => r.CreatedAt).Select(RefundService.ToDto)],
        p.CreatedAt, p.UpdatedAt);
}
