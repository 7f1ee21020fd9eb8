using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EStore.Platform.Security;
using EStore.Product.Data;
using EStore.Product.Tests.Infrastructure;

namespace EStore.Product.Tests;

/// <summary>The shop stock report (JSON and CSV) and the dashboard summary: numbers, windows, ownership.</summary>
[Collection(ProductCollection.Name)]
public sealed class InventoryReportTests(ProductStack stack)
{
    [Fact]
    public async Task Report_counts_units_sold_in_the_last_7_and_30_days_after_reservations_sales_and_adjustments()
    {
        var shop = await StockedShopAsync();

        var report = await stack.GetAsync($"/api/inventory/report?shopId={shop.Id}", shop.Owner);

        Assert.Equal(shop.Id, report.GetProperty("shopId").GetGuid());
        var rows = report.GetProperty("items").EnumerateArray().ToList();
        // Ordered by product name, then SKU; the deleted product is not there.
        Assert.Equal([shop.KettleA, shop.KettleB, shop.Zebra], rows.Select(r => r.GetProperty("variantId").GetGuid()));

        var a = rows[0];
        Assert.Equal(shop.Kettle, a.GetProperty("productId").GetGuid());
        Assert.Equal(ShopFixture.KettleName, a.GetProperty("productName").GetString());
        Assert.Equal($"KET-A-{shop.Tag}", a.GetProperty("sku").GetString());
        Assert.Equal("Standard", a.GetProperty("variantName").GetString());
        // 20 - 5 adjusted - 1 sold; 4 reserved for an open order.
        Assert.Equal(14, a.GetProperty("onHand").GetInt32());
        Assert.Equal(4, a.GetProperty("reserved").GetInt32());
        Assert.Equal(10, a.GetProperty("available").GetInt32());
        Assert.Equal(5, a.GetProperty("lowStockThreshold").GetInt32());
        Assert.Equal("IN_STOCK", a.GetProperty("stockStatus").GetString());
        // Sold: 1 now (a confirmed order), 2 a day ago, 4 ten days ago, 8 forty days ago (outside both windows).
        Assert.Equal(3, a.GetProperty("soldLast7Days").GetInt32());
        Assert.Equal(7, a.GetProperty("soldLast30Days").GetInt32());
        // 10 available at 7/30 units a day.
        Assert.Equal(42.9m, a.GetProperty("daysOfCover").GetDecimal());

        var b = rows[1];
        Assert.Equal(3, b.GetProperty("available").GetInt32());
        Assert.Equal("LOW_STOCK", b.GetProperty("stockStatus").GetString());
        Assert.Equal(0, b.GetProperty("soldLast30Days").GetInt32());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("daysOfCover").ValueKind);

        Assert.Equal("OUT_OF_STOCK", rows[2].GetProperty("stockStatus").GetString());
    }

    [Fact]
    public async Task The_csv_report_parses_back_to_the_same_values_and_defuses_formulas()
    {
        var shop = await StockedShopAsync();
        var json = await stack.GetAsync($"/api/inventory/report?shopId={shop.Id}&format=json", shop.Owner);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/inventory/report?shopId={shop.Id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", shop.Owner);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await stack.Product.Http.SendAsync(request);
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Contains("\r\n", csv, StringComparison.Ordinal);
        using (var byFormat = await stack.SendAsync(HttpMethod.Get, $"/api/inventory/report?shopId={shop.Id}&format=csv", null, shop.Owner))
        {
            Assert.Equal(csv, await byFormat.Content.ReadAsStringAsync());
        }

        var records = ParseCsv(csv);
        Assert.Equal(
            ["productId", "productName", "variantId", "sku", "variantName", "onHand", "reserved", "available", "lowStockThreshold", "stockStatus",
             "soldLast7Days", "soldLast30Days", "daysOfCover"],
            records[0]);
        var rows = json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(rows.Count + 1, records.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var record = records[i + 1];
            // The name starts with '=' and holds a comma and quotes: quoted, and made text for spreadsheets.
            var name = row.GetProperty("productName").GetString()!;
            Assert.Equal(name.StartsWith('=') ? "'" + name : name, record[1]);
            Assert.Equal(row.GetProperty("productId").GetGuid(), Guid.Parse(record[0]));
            Assert.Equal(row.GetProperty("variantId").GetGuid(), Guid.Parse(record[2]));
            Assert.Equal(row.GetProperty("sku").GetString(), record[3]);
            Assert.Equal(row.GetProperty("variantName").GetString(), record[4]);
            foreach (var (column, index) in new[] { ("onHand", 5), ("reserved", 6), ("available", 7), ("lowStockThreshold", 8), ("soldLast7Days", 10), ("soldLast30Days", 11) })
            {
                Assert.Equal(row.GetProperty(column).GetInt32(), int.Parse(record[index], CultureInfo.InvariantCulture));
            }
            Assert.Equal(row.GetProperty("stockStatus").GetString(), record[9]);
            var cover = row.GetProperty("daysOfCover");
            Assert.Equal(cover.ValueKind == JsonValueKind.Null ? "" : cover.GetDecimal().ToString("0.0", CultureInfo.InvariantCulture), record[12]);
        }
        Assert.Equal("'" + ShopFixture.KettleName, records[1][1]);
    }

    [Fact]
    public async Task Summary_counts_live_products_variants_and_low_and_out_of_stock_variants()
    {
        var shop = await StockedShopAsync();

        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/inventory/summary?shopId={shop.Id}", null, shop.Owner);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The exact contract shop-service reads.
        Assert.Equal($$"""{"shopId":"{{shop.Id}}","products":2,"variants":3,"lowStock":1,"outOfStock":1}""", text);
        var byAdmin = await stack.GetAsync($"/api/inventory/summary?shopId={shop.Id}", stack.Admin);
        Assert.Equal(3, byAdmin.GetProperty("variants").GetInt32());
    }

    [Theory]
    [InlineData("report")]
    [InlineData("summary")]
    public async Task Only_the_shops_owner_and_admins_see_its_stock(string endpoint)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Private {tag}");
        var (_, otherOwner) = await stack.NewShopAsync($"Nosy {tag}");
        var customer = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);
        var path = $"/api/inventory/{endpoint}";

        await AssertStatusAsync($"{path}?shopId={shop}", owner, HttpStatusCode.OK);
        await AssertStatusAsync($"{path}?shopId={shop}", stack.Admin, HttpStatusCode.OK);
        await AssertStatusAsync($"{path}?shopId={shop}", otherOwner, HttpStatusCode.NotFound);
        await AssertStatusAsync($"{path}?shopId={Guid.NewGuid()}", stack.Admin, HttpStatusCode.NotFound);
        await AssertStatusAsync($"{path}?shopId={shop}", customer, HttpStatusCode.Forbidden);
        await AssertStatusAsync(path, owner, HttpStatusCode.BadRequest);
        await AssertStatusAsync($"{path}?shopId=not-a-uuid", owner, HttpStatusCode.BadRequest);
        using var anonymous = await stack.SendAsync(HttpMethod.Get, $"{path}?shopId={shop}", null, null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        if (endpoint == "report")
        {
            await AssertStatusAsync($"{path}?shopId={shop}&format=xml", owner, HttpStatusCode.BadRequest);
        }
    }

    private async Task AssertStatusAsync(string path, string token, HttpStatusCode status)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, path, null, token);
        if (status == HttpStatusCode.OK)
        {
            Assert.True(response.StatusCode == status, $"{path}: {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            await response.AssertProblemAsync(status);
        }
    }

    /// <summary>
    /// A shop with a kettle (variant A: 20 units, adjusted -5, one unit sold by a confirmed order, 4 reserved by an open
    /// one, earlier sales in the ledger; variant B: 3 units), a sold-out zebra mug and a deleted product.
    /// </summary>
    private async Task<ShopFixture> StockedShopAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Report {tag}");
        var (kettle, kettleVariants) = await stack.CreateProductAsync(shop, owner, ShopFixture.KettleName, "", ($"KET-A-{tag}", 20, 5), ($"KET-B-{tag}", 3, 5));
        var (_, zebraVariants) = await stack.CreateProductAsync(shop, owner, "Zebra Mug", "", ($"ZEB-{tag}", 0, 2));
        var (gone, _) = await stack.CreateProductAsync(shop, owner, "Gone Mug", "", ($"GON-{tag}", 9, 2));
        await stack.SendOkAsync(HttpMethod.Delete, $"/api/products/{gone}", null, owner);
        await stack.SendOkAsync(HttpMethod.Post, $"/api/inventory/{kettleVariants[0]}/adjust", new { delta = -5, reason = "damaged" }, owner);
        var sold = Guid.NewGuid();
        var open = Guid.NewGuid();
        await stack.PublishAsync(ProductHelpers.OrderFor(sold, shop, kettle, kettleVariants[0], 1), ProductHelpers.OrderFor(open, shop, kettle, kettleVariants[0], 4));
        await stack.WaitForReservationAsync(sold, ReservationState.Reserved);
        await stack.PublishAsync(ProductHelpers.Confirmation(sold));
        await stack.WaitForReservationAsync(sold, ReservationState.Committed);
        await stack.WaitForReservationAsync(open, ReservationState.Reserved);
        // Earlier sales at controlled times: the windows are counted back from the service's clock.
        var now = DateTimeOffset.UtcNow;
        await stack.WithDbAsync(async db =>
        {
            db.StockMovements.AddRange(
                Sale(kettleVariants[0], 2, now.AddDays(-1)),
                Sale(kettleVariants[0], 4, now.AddDays(-10)),
                Sale(kettleVariants[0], 8, now.AddDays(-40)),
                // Not sales: a large adjustment yesterday counts for nothing.
                new StockMovement { VariantId = kettleVariants[1], Kind = StockMovementKind.Adjust, Delta = -7, StockAfter = 3, Reason = "lost", At = now.AddDays(-1) });
            return await db.SaveChangesAsync();
        });
        return new ShopFixture(tag, shop, owner, kettle, kettleVariants[0], kettleVariants[1], zebraVariants[0]);
    }

    private static StockMovement Sale(Guid variantId, int units, DateTimeOffset at) =>
        new() { VariantId = variantId, Kind = StockMovementKind.Sale, Delta = -units, StockAfter = 0, Reason = "order (earlier)", At = at };

    // RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF.
    private static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        Assert.Empty(record);
        Assert.Equal(0, field.Length);
        return records;
    }

    private sealed record ShopFixture(string Tag, Guid Id, string Owner, Guid Kettle, Guid KettleA, Guid KettleB, Guid Zebra)
    {
        public const string KettleName = "=Kettle, \"Deluxe\"";
    }
}
