using System.Net;
using System.Text.Json;
using EStore.Order.Data;
using EStore.Order.Tests.Infrastructure;

namespace EStore.Order.Tests;

/// <summary>The admin's list (sort, filters), the CSV exports of an admin and of a shop owner, and the admin's summary.</summary>
[Collection(OrderCollection.Name)]
public sealed class OrderReportTests(OrderStack stack)
{
    [Fact]
    public async Task Admin_list_sorts_by_total_and_filters_by_total_range_and_payment_status_and_customers_are_refused()
    {
        var customer = Guid.NewGuid();
        var small = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Confirmed);
        var large = await stack.SeedCheckoutAsync(customer, secondLine: true);
        var shipped = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Shipped);

        var byTotal = await stack.GetAsync($"/api/orders/admin?userId={customer}&sort=-total", stack.Admin);
        Assert.Equal(large.Id, Ids(byTotal)[0]);
        Assert.Equal(3, byTotal.GetProperty("total").GetInt32());
        var ascending = await stack.GetAsync($"/api/orders/admin?userId={customer}&sort=total", stack.Admin);
        Assert.Equal(large.Id, Ids(ascending)[^1]);
        var expensive = await stack.GetAsync($"/api/orders/admin?userId={customer}&minTotal=30&maxTotal=40", stack.Admin);
        Assert.Equal([large.Id], Ids(expensive));
        var paid = await stack.GetAsync($"/api/orders/admin?userId={customer}&paymentStatus=PAID&sort=created", stack.Admin);
        Assert.Equal([small.Id, shipped.Id], Ids(paid));

        using (var badSort = await stack.SendAsync(HttpMethod.Get, $"/api/orders/admin?sort=price", null, stack.Admin))
        {
            var problem = await badSort.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("sort", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        using (var badRange = await stack.SendAsync(HttpMethod.Get, $"/api/orders/admin?minTotal=50&maxTotal=10", null, stack.Admin))
        {
            await badRange.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        foreach (var path in new[] { "/api/orders/admin", "/api/orders/admin/export", "/api/orders/admin/summary" })
        {
            using var refused = await stack.SendAsync(HttpMethod.Get, path, null, stack.Customer(customer));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Admin_and_shop_owner_exports_are_csv_with_quoted_fields_and_invariant_decimals_and_the_owner_sees_only_their_shop()
    {
        var customer = Guid.NewGuid();
        var quoted = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Confirmed, secondLine: true);
        var other = await stack.SeedCheckoutAsync(customer, status: OrderStatus.Confirmed);
        await CancelAsync(quoted.Id, customer, "Too \"big\", sorry");
        var owner = Guid.NewGuid();
        stack.Mesh.AddShop(owner, quoted.Orders[0].ShopId);

        var (type, admin) = await CsvAsync($"/api/orders/admin/export?userId={customer}&sort=created", stack.Admin);

        Assert.Equal("text/csv", type);
        var rows = admin.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', Services.OrderReports.Columns), rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith($"{quoted.Id},{quoted.Id},", rows[1], StringComparison.Ordinal);
        Assert.Contains(",CANCELLED,PAID,CANCELLED,35.00,EUR,", rows[1], StringComparison.Ordinal);
        Assert.EndsWith(",\"Too \"\"big\"\", sorry\"", rows[1], StringComparison.Ordinal);
        Assert.Contains(",25.00,EUR,", rows[2], StringComparison.Ordinal);

        var (_, mine) = await CsvAsync("/api/orders/shop/export", stack.ShopOwner(owner));
        var ownerRows = mine.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, ownerRows.Length);
        Assert.StartsWith(quoted.Id.ToString(), ownerRows[1], StringComparison.Ordinal);
        Assert.DoesNotContain(other.Id.ToString(), mine, StringComparison.Ordinal);
        using var foreign = await stack.SendAsync(HttpMethod.Get, $"/api/orders/shop/export?shopId={other.Orders[0].ShopId}", null, stack.ShopOwner(owner));
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Admin_summary_counts_orders_and_revenue_per_day_and_shop_without_cancelled_or_unpaid_orders()
    {
        // A day long ago, so that the other tests' orders are not in it.
        var day = DateTime.UtcNow.Date.AddDays(-1000);
        var age = DateTimeOffset.UtcNow - new DateTimeOffset(day.AddHours(12), TimeSpan.Zero);
        var paid = await stack.SeedCheckoutAsync(Guid.NewGuid(), age: age, status: OrderStatus.Delivered, secondLine: true);
        await stack.SeedCheckoutAsync(Guid.NewGuid(), age: age, status: OrderStatus.Cancelled);
        await stack.SeedCheckoutAsync(Guid.NewGuid(), age: age);
        await stack.SeedCheckoutAsync(Guid.NewGuid(), age: age + TimeSpan.FromDays(1), status: OrderStatus.Confirmed);

        var from = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var summary = await stack.GetAsync($"/api/orders/admin/summary?from={from}T00:00:00Z&to={to}T00:00:00Z", stack.Admin);

        var total = Assert.Single(summary.GetProperty("totals").EnumerateArray());
        Assert.Equal(("EUR", 3, 1, 35m), (total.GetProperty("currency").GetString(), total.GetProperty("orders").GetInt32(),
            total.GetProperty("cancelled").GetInt32(), total.GetProperty("revenue").GetDecimal()));
        var perDay = Assert.Single(summary.GetProperty("days").EnumerateArray());
        Assert.Equal((from, 3, 35m), (perDay.GetProperty("date").GetString(), perDay.GetProperty("orders").GetInt32(), perDay.GetProperty("revenue").GetDecimal()));
        var top = summary.GetProperty("shops")[0];
        Assert.Equal((paid.Orders[0].ShopId, 35m), (top.GetProperty("shopId").GetGuid(), top.GetProperty("revenue").GetDecimal()));
        Assert.Equal(3, summary.GetProperty("shops").GetArrayLength());
    }

    private async Task CancelAsync(Guid orderId, Guid customer, string reason)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/cancel", new { reason }, stack.Customer(customer));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(string? Type, string Body)> CsvAsync(string path, string token)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, path, null, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return (response.Content.Headers.ContentType?.MediaType, body);
    }

    private static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid())];
}
