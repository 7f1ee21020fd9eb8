using System.Globalization;
using System.Text;

namespace EStore.Web.Components.Admin;

/// <summary>
/// The admin's order filters as typed in <c>/admin/orders</c> (the query string is the filter): the same for the list
/// and its CSV download. Values go to order-service as typed, so its problem names a malformed one; a day picked in the
/// form is the whole UTC day (from its start until the start of the next).
/// </summary>
public sealed record AdminOrderFilter(string? Status, string? PaymentStatus, string? ShopId, string? UserId, string? From, string? To)
{
    public static AdminOrderFilter Of(IQueryCollection query) =>
        new(query["status"], query["paymentStatus"], query["shopId"], query["userId"], query["from"], query["to"]);

    /// <summary>order-service's query (<c>status=...&amp;from=...</c>, empty when nothing is filtered).</summary>
    public string ApiQuery() => Join(("status", Status), ("paymentStatus", PaymentStatus), ("shopId", ShopId), ("userId", UserId),
        ("from", Day(From, 0)), ("to", Day(To, 1)));

    /// <summary>This filter in web's own addresses (<c>status=...&amp;from=2026-01-31</c>), e.g. for the CSV link.</summary>
    public string WebQuery() => Join(("status", Status), ("paymentStatus", PaymentStatus), ("shopId", ShopId), ("userId", UserId), ("from", From), ("to", To));

    private static string Join(params (string Name, string? Value)[] filters)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in filters.Where(f => !string.IsNullOrWhiteSpace(f.Value)))
        {
            query.Append(query.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value!.Trim()));
        }
        return query.ToString();
    }

    private static string? Day(string? typed, int plusDays) =>
        DateOnly.TryParseExact(typed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.AddDays(plusDays).ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)
            : typed;
}
