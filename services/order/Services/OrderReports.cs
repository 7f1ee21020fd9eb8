using System.Globalization;
using System.Text;
using EStore.Order.Data;
using EStore.Order.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Order.Services;

/// <summary>
/// The CSV exports (an admin's of every order, a shop owner's of their shops' orders) and the admin's summary (orders and
/// revenue per day and per shop). Numbers and dates are written in the invariant culture whatever the server's.
/// </summary>
public sealed class OrderReports(OrderDbContext db, OrderViews views, IOptions<OrderOptions> options, TimeProvider time)
{
    public const string CsvContentType = "text/csv";

    /// <summary>The CSV columns, in order.</summary>
    public static readonly string[] Columns =
    [
        "order_id", "checkout_id", "created_at", "customer_id", "shop_id", "status", "payment_status", "fulfilment_status",
        "total", "currency", "items", "carrier", "tracking_number", "cancel_reason",
    ];

    /// <summary>Every order matching the admin list's filters and sort, as CSV.</summary>
    public Task<Result<string>> AdminCsvAsync(OrderFilter filter, CancellationToken ct) => CsvAsync(db.Orders, filter, ct);

    /// <summary>The caller's shops' orders matching the filters, as CSV (another owner's shop is 404).</summary>
    public async Task<Result<string>> ShopCsvAsync(OrderFilter filter, CancellationToken ct)
    {
        var (scope, error) = await views.ShopScopeAsync(filter, ct);
        if (error is not null)
        {
            return error;
        }
        return await CsvAsync(scope!, filter, ct);
    }

    /// <summary>
    /// Orders and revenue per UTC day and per shop for orders created in [<c>from</c>, <c>to</c>) (default: the last 30
    /// days). Revenue counts orders not cancelled and not waiting for payment, per currency.
    /// </summary>
    public async Task<Result<OrderSummary>> SummaryAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var until = to ?? time.GetUtcNow();
        var since = from ?? until.AddDays(-30);
        if (since > until)
        {
            return Error.BadValue("from", "'from' must not be after 'to'.");
        }
        if (until - since > TimeSpan.FromDays(options.Value.MaxSummaryDays))
        {
            return Error.BadValue("to", $"A summary spans at most {options.Value.MaxSummaryDays} days.");
        }
        // Grouped here rather than in SQL: the day of a timestamp is computed alike on PostgreSQL and SQLite (the launcher).
        var rows = await db.Orders.AsNoTracking().Where(o => o.CreatedAt >= since && o.CreatedAt < until)
            .Select(o => new { o.CreatedAt, o.ShopId, o.Status, o.PaymentStatus, o.Total, o.Currency }).ToListAsync(ct);
        var counted = rows.Select(o => new
        {
            Day = DateOnly.FromDateTime(o.CreatedAt.UtcDateTime),
            o.ShopId,
            o.Currency,
            Cancelled = o.Status == OrderStatus.Cancelled,
            Revenue = o.Status != OrderStatus.Cancelled && o.Status != OrderStatus.Pending && o.PaymentStatus != PaymentStatus.Failed ? o.Total : 0m,
        }).ToList();
        var days = counted.GroupBy(o => (o.Day, o.Currency)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Currency)
            .Select(g => new SummaryDay(g.Key.Day, g.Key.Currency, g.Count(), g.Count(o => o.Cancelled), g.Sum(o => o.Revenue))).ToList();
        var shops = counted.GroupBy(o => (o.ShopId, o.Currency)).OrderByDescending(g => g.Sum(o => o.Revenue)).ThenBy(g => g.Key.ShopId)
            .Select(g => new SummaryShop(g.Key.ShopId, g.Key.Currency, g.Count(), g.Count(o => o.Cancelled), g.Sum(o => o.Revenue))).ToList();
        var totals = counted.GroupBy(o => o.Currency).OrderBy(g => g.Key)
            .Select(g => new SummaryTotal(g.Key, g.Count(), g.Count(o => o.Cancelled), g.Sum(o => o.Revenue))).ToList();
        return new OrderSummary(since, until, totals, days, shops);
    }

    private async Task<Result<string>> CsvAsync(IQueryable<ShopOrder> query, OrderFilter filter, CancellationToken ct)
    {
        var (sorted, error) = OrderViews.Filter(query, filter);
        if (error is not null)
        {
            return error;
        }
        var orders = await sorted!.AsNoTracking().Include(o => o.Lines).Take(options.Value.MaxExportRows).AsSplitQuery().ToListAsync(ct);
        var csv = new StringBuilder();
        CsvText.AppendRow(csv, Columns);
        foreach (var o in orders)
        {
            CsvText.AppendRow(csv,
            [
                o.Id.ToString(), o.CheckoutId.ToString(), o.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                o.UserId.ToString(), o.ShopId.ToString(), StatusNames.Wire(o.Status), StatusNames.Wire(o.PaymentStatus),
                StatusNames.Wire(o.FulfilmentStatus), o.Total.ToString("0.00", CultureInfo.InvariantCulture), o.Currency,
                string.Join("; ", o.Lines.OrderBy(l => l.Id).Select(l =>
                    $"{l.ProductName} ({l.VariantName}) x{l.Quantity.ToString(CultureInfo.InvariantCulture)}{(l.CancelledAt is null ? "" : " cancelled")}")),
                o.Carrier ?? "", o.TrackingNumber ?? "", o.CancelReason ?? "",
            ]);
        }
        return csv.ToString();
    }
}
