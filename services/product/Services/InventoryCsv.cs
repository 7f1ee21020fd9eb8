using System.Globalization;
using System.Text;
using EStore.Platform.Text;
using EStore.Product.Dtos;

namespace EStore.Product.Services;

/// <summary>The inventory report as RFC 4180 CSV: a header row, CRLF line ends, quoted fields where needed.</summary>
public static class InventoryCsv
{
    /// <summary>The content type of the CSV response.</summary>
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>The header row, in the order of <see cref="InventoryReportRow"/>'s members.</summary>
    public static readonly string[] Columns =
    [
        "productId", "productName", "variantId", "sku", "variantName", "onHand", "reserved", "available",
        "lowStockThreshold", "stockStatus", "soldLast7Days", "soldLast30Days", "daysOfCover",
    ];

    public static string Write(IEnumerable<InventoryReportRow> rows)
    {
        var csv = new StringBuilder();
        CsvText.AppendRow(csv, Columns);
        foreach (var r in rows)
        {
            CsvText.AppendRow(csv,
            [
                r.ProductId.ToString(), r.ProductName, r.VariantId.ToString(), r.Sku, r.VariantName, Number(r.OnHand), Number(r.Reserved),
                Number(r.Available), Number(r.LowStockThreshold), r.StockStatus, Number(r.SoldLast7Days), Number(r.SoldLast30Days),
                r.DaysOfCover?.ToString("0.0", CultureInfo.InvariantCulture) ?? "",
            ]);
        }
        return csv.ToString();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
