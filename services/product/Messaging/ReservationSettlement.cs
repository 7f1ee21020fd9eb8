using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Messaging;

/// <summary>
/// Ends a held reservation exactly once. A cancellation, a confirmation and the expiry sweep (on any instance)
/// may race for the same reservation: each claims it with a conditional update, and only the winner moves the
/// variant's counts.
/// </summary>
internal static class ReservationSettlement
{
    /// <summary>
    /// Moves <paramref name="reservation"/> from Reserved to <paramref name="outcome"/> and takes its units out of
    /// the variant's reserved count (and, when committed, out of the stock on hand). False when another path
    /// already ended it.
    /// </summary>
    public static async Task<bool> SettleAsync(ProductDbContext db, Reservation reservation, ReservationState outcome, CancellationToken cancellationToken)
    {
        var claimed = await db.Reservations.Where(r => r.Id == reservation.Id && r.State == ReservationState.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, outcome), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }
        var sold = outcome == ReservationState.Committed ? reservation.Quantity : 0;
        await db.Variants.Where(v => v.Id == reservation.VariantId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(v => v.Reserved, v => v.Reserved - reservation.Quantity)
                .SetProperty(v => v.Stock, v => v.Stock - sold), cancellationToken);
        return true;
    }

    /// <summary>The order's reservations still held, untracked (they are ended through <see cref="SettleAsync"/>).</summary>
    public static Task<List<Reservation>> HeldAsync(ProductDbContext db, Guid orderId, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking()
            .Where(r => r.OrderId == orderId && r.State == ReservationState.Reserved)
            .ToListAsync(cancellationToken);
}
