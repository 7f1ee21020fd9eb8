using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EStore.Payment.Data;
using EStore.Payment.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Services;

/// <summary>A refund asked for through the API: an amount, or lines of one shop, or neither for all that is left.</summary>
public sealed record RefundRequest(decimal? Amount, IReadOnlyList<Guid>? LineIds, string? Reason, Guid? ShopId);

/// <summary>
/// Refunds asked for by people (<c>POST /api/payments/{id}/refunds</c>). An administrator may refund any captured payment;
/// the owner of a shop in it (the local copy from shop.events) only lines of their shop and up to their shop's share;
/// anyone else gets 404, as for a payment that does not exist. The refund is stored pending (the charge worker sends it
/// under its own key and publishes <c>PaymentRefunded</c>); the caller's Idempotency-Key with the same request answers
/// the refund made first.
/// </summary>
public sealed class RefundService(PaymentDbContext db, TimeProvider time)
{
    private const int MaxReasonLength = 500;

    public async Task<Result<RefundDto>> RequestAsync(Guid paymentId, CurrentUser caller, string? idempotencyKey, RefundRequest request,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 255)
        {
            return Error.BadValue("Idempotency-Key", "The Idempotency-Key header is required (1-255 characters): a retry with the same key refunds once.");
        }
        var hash = Hash(paymentId, request);
        // Another refund of the same payment recorded meanwhile (the refund version moved) or the same key used at the
        // same moment: decide again on fresh rows.
        for (var round = 0; round < 3; round++)
        {
            db.ChangeTracker.Clear();
            var earlier = await db.Refunds.AsNoTracking()
                .SingleOrDefaultAsync(r => r.RequestedBy == caller.Id && r.RequestKey == idempotencyKey, cancellationToken);
            if (earlier is not null)
            {
                return earlier.PaymentId == paymentId && earlier.RequestHash == hash
                    ? ToDto(earlier)
                    : Error.Validation("Idempotency-Key", "This key was used for another refund request; use a new key.");
            }

            var payment = await db.Payments.Include(p => p.Shares).Include(p => p.Lines).Include(p => p.Refunds).AsSplitQuery()
                .SingleOrDefaultAsync(p => p.Id == paymentId && p.OrderReceivedAt != null, cancellationToken);
            var shops = payment?.Shares.Select(s => s.ShopId).ToList() ?? [];
            var own = caller.IsAdmin
                ? shops
                : await db.ShopOwners.Where(o => o.OwnerId == caller.Id && shops.Contains(o.ShopId)).Select(o => o.ShopId).ToListAsync(cancellationToken);
            if (payment is null || own.Count == 0)
            {
                return Error.NotFound("No such payment.");
            }
            if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded))
            {
                return Error.Conflict($"The payment is {payment.Status}: only a captured payment can be refunded.");
            }
            var decided = Decide(payment, caller.IsAdmin, [.. own], request);
            if (decided.Error is { } refused)
            {
                return refused;
            }
            var (amount, shopId, lines) = decided.Value;
            var now = time.GetUtcNow();
            var refund = PaymentOutcomes.AddRefund(payment, amount, request.Reason!.Trim(), now, shopId);
            refund.RequestedBy = caller.Id;
            refund.RequestKey = idempotencyKey;
            refund.RequestHash = hash;
            foreach (var line in lines)
            {
                line.RefundId = refund.Id;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return ToDto(refund);
            }
            catch (DbUpdateException)
            {
                // Next round: the other writer's refund counts, or the same key's first answer is found.
            }
        }
        return Error.Conflict("The payment changed meanwhile; send the request again with the same key.");
    }

    // What to refund and against which shop's share, or a 422 naming the field.
    private static Result<(decimal Amount, Guid? ShopId, List<PaymentLine> Lines)> Decide(Data.Payment payment, bool admin, HashSet<Guid> own,
        RefundRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Trim().Length > MaxReasonLength)
        {
            return Error.Validation("reason", $"Say why, in 1-{MaxReasonLength} characters.");
        }
        if (request.Amount is not null && request.LineIds is not null)
        {
            return Error.Validation("amount", "Give either an amount or lineIds, not both.");
        }
        if (request.ShopId is { } named && !own.Contains(named))
        {
            return Error.Validation("shopId", "Not a shop of this payment that you may refund.");
        }

        var lines = new List<PaymentLine>();
        var shopId = request.ShopId;
        if (request.LineIds is { } ids)
        {
            // A line of another shop is as unknown to a shop owner as a line of another order.
            var wanted = ids.Distinct().ToList();
            lines = [.. payment.Lines.Where(l => wanted.Contains(l.LineId) && own.Contains(l.ShopId))];
            if (wanted.Count == 0 || lines.Count != wanted.Count)
            {
                return Error.Validation("lineIds", "Unknown lines: name lines of this payment's order that you may refund.");
            }
            if (lines.Any(l => l.RefundId is not null))
            {
                return Error.Validation("lineIds", "A line named was refunded already.");
            }
            if (lines.Select(l => l.ShopId).Distinct().Count() > 1 || (shopId is not null && lines[0].ShopId != shopId))
            {
                return Error.Validation("lineIds", "Name lines of one shop per refund.");
            }
            shopId = lines[0].ShopId;
        }
        else if (shopId is null && !admin)
        {
            if (own.Count > 1)
            {
                return Error.Validation("shopId", "You own several shops in this payment: name the one whose share is refunded.");
            }
            shopId = own.Single();
        }

        var left = shopId is { } shop ? PaymentOutcomes.LeftToRefund(payment, shop) : PaymentOutcomes.LeftToRefund(payment);
        var field = request.LineIds is null ? "amount" : "lineIds";
        var amount = request.LineIds is not null ? lines.Sum(l => l.Amount) : request.Amount ?? left;
        if (request.Amount is { } given && (given <= 0 || MinorUnits.ToMinor(given, payment.Currency) is null))
        {
            return Error.Validation("amount", $"Must be a positive amount in {payment.Currency} with at most {MinorUnits.Exponent(payment.Currency)} decimals.");
        }
        if (left <= 0)
        {
            return Error.Validation(field, "Nothing is left to refund" + (shopId is null ? "." : " of this shop's share."));
        }
        if (amount > left)
        {
            return Error.Validation(field, string.Create(CultureInfo.InvariantCulture,
                $"More than is left to refund{(shopId is null ? "" : " of this shop's share")}: {left} {payment.Currency}."));
        }
        return (amount, shopId, lines);
    }

    private static string Hash(Guid paymentId, RefundRequest request)
    {
        var lines = request.LineIds is null ? "-" : string.Join(',', request.LineIds.Distinct().Order());
        var canonical = string.Create(CultureInfo.InvariantCulture,
            $"{paymentId:N}|{request.Amount?.ToString(CultureInfo.InvariantCulture) ?? "-"}|{lines}|{request.ShopId?.ToString("N") ?? "-"}|{request.Reason?.Trim()}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    internal static RefundDto ToDto(Refund r) => new(r.Id, r.Amount, r.Status, r.Reason, r.ShopId, r.CreatedAt, r.SucceededAt);
}
