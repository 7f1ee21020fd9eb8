using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EStore.Contracts.Events;
using EStore.Platform.Security;
using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static EStore.Product.Tests.Infrastructure.ImportHelpers;

namespace EStore.Product.Tests;

/// <summary>
/// Bulk import (<c>POST /api/products/import</c>): matching by SKU, dry runs, per-row and whole-file errors, the ledger
/// and the events, ownership. The stack's jobs run in batches of two rows.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class ImportTests(ProductStack stack)
{
    [Fact]
    public async Task Import_creates_new_skus_updates_known_ones_and_leaves_absent_ones_alone()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Import {tag}");
        var (mug, _) = await stack.CreateProductAsync(shop, owner, $"Mug {tag}", "old", ($"MUG-{tag}", 10, 5));
        var (plate, _) = await stack.CreateProductAsync(shop, owner, $"Plate {tag}", "kept", ($"PLT-{tag}", 4, 1));

        var job = await stack.ImportAsync(shop, owner, Csv(
            Header,
            $"MUG-{tag},Mug {tag},\"Stoneware, 300 ml\r\nDishwasher safe\",Kitchen,Blue,12.50,EUR,3,,SUP-1",
            $"BWL-{tag},Bowl {tag},Deep bowl,Kitchen,Small,7.00,EUR,20,4,SUP-2",
            $"BWL-L-{tag},Bowl {tag},Deep bowl,Kitchen,Large,9.00,EUR,0,,"));

        Assert.Equal("SUCCEEDED", job.GetProperty("state").GetString());
        Assert.Equal(3, job.GetProperty("rowsTotal").GetInt32());
        Assert.Equal(3, job.GetProperty("rowsDone").GetInt32());
        Assert.Equal((2, 1, 0), (job.GetProperty("created").GetInt32(), job.GetProperty("updated").GetInt32(), job.GetProperty("rejected").GetInt32()));
        var rows = RowsBySku(job);
        Assert.Equal("UPDATED", rows[$"MUG-{tag}"].Outcome);
        Assert.Equal("CREATED", rows[$"BWL-{tag}"].Outcome);

        var updated = await stack.GetAsync($"/api/products/{mug}");
        Assert.Equal(12.50m, updated.GetProperty("price").GetDecimal());
        Assert.Equal("Stoneware, 300 ml\r\nDishwasher safe", updated.GetProperty("description").GetString());
        var mugVariant = await stack.VariantAsync($"MUG-{tag}");
        Assert.Equal((3, "Blue", "SUP-1"), (mugVariant!.Stock, mugVariant.Name, mugVariant.SupplierRef));
        // Both rows of the new product name made one product with two variants, listed at the lower price.
        var bowl = await stack.GetAsync($"/api/products/{job.GetProperty("rows").GetProperty("items")[1].GetProperty("productId").GetGuid()}");
        Assert.Equal(2, bowl.GetProperty("variants").GetArrayLength());
        Assert.Equal(7.00m, bowl.GetProperty("price").GetDecimal());
        // The plate was not in the file: untouched.
        var untouched = await stack.GetAsync($"/api/products/{plate}");
        Assert.Equal("kept", untouched.GetProperty("description").GetString());

        // Stock changes are in the ledger with reason "import" and raise the events other changes raise.
        var ledger = await stack.LedgerAsync($"MUG-{tag}");
        Assert.Equal((-7, 3, "import"), (ledger[^1].Delta, ledger[^1].StockAfter, ledger[^1].Reason));
        Assert.Equal(20, (await stack.LedgerAsync($"BWL-{tag}")).Single(m => m.Reason == "import").Delta);
        Assert.Equal(3, Assert.Single(await stack.OutboxEventsAsync<LowStockDetected>(mug)).Available);
        Assert.Contains(await stack.OutboxEventsAsync<ProductChanged>(mug), e => e.Kind == ProductChangeKind.Updated && e.Price.Amount == 12.50m);

        // The same file again changes nothing.
        var again = await stack.ImportAsync(shop, owner, Csv(
            Header,
            $"MUG-{tag},Mug {tag},\"Stoneware, 300 ml\r\nDishwasher safe\",Kitchen,Blue,12.50,EUR,3,,SUP-1",
            $"BWL-{tag},Bowl {tag},Deep bowl,Kitchen,Small,7.00,EUR,20,4,SUP-2",
            $"BWL-L-{tag},Bowl {tag},Deep bowl,Kitchen,Large,9.00,EUR,0,,"));
        Assert.Equal(3, again.GetProperty("unchanged").GetInt32());
        Assert.Single(await stack.LedgerAsync($"BWL-{tag}"));
    }

    [Fact]
    public async Task Dry_run_reports_what_would_change_and_applies_nothing()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Dry {tag}");
        var (mug, _) = await stack.CreateProductAsync(shop, owner, $"Mug {tag}", "d", ($"MUG-{tag}", 10, 2));

        var job = await stack.ImportAsync(shop, owner, Csv(
            "sku,name,price,stock,categoryPath",
            $"MUG-{tag},Mug {tag},15,1,",
            $"NEW-{tag},Jug {tag},8,5,Kitchen",
            $"BAD-{tag},Jug {tag},-1,5,Kitchen"), "&dryRun=true&archiveMissing=true");

        Assert.True(job.GetProperty("dryRun").GetBoolean());
        var rows = RowsBySku(job);
        Assert.Equal("UPDATED", rows[$"MUG-{tag}"].Outcome);
        Assert.Equal("CREATED", rows[$"NEW-{tag}"].Outcome);
        Assert.Equal("REJECTED", rows[$"BAD-{tag}"].Outcome);
        Assert.Null(await stack.VariantAsync($"NEW-{tag}"));
        Assert.Equal(10, (await stack.VariantAsync($"MUG-{tag}"))!.Stock);
        Assert.Equal(10m, (await stack.GetAsync($"/api/products/{mug}")).GetProperty("price").GetDecimal());
        Assert.DoesNotContain(await stack.LedgerAsync($"MUG-{tag}"), m => m.Reason == "import");
        Assert.Empty(await stack.OutboxEventsAsync<LowStockDetected>(mug));
    }

    [Fact]
    public async Task Bad_rows_are_rejected_with_their_reason_and_the_good_rows_are_applied()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Rows {tag}");
        var (otherShop, otherOwner) = await stack.NewShopAsync($"Rows other {tag}");
        await stack.CreateProductAsync(otherShop, otherOwner, $"Theirs {tag}", "x", ($"THEIRS-{tag}", 1, 0));

        var job = await stack.ImportAsync(shop, owner, Csv(
            "sku,name,price,currency,stock,categoryPath",
            $"NEG-{tag},Cup {tag},-3,EUR,1,Kitchen",
            $"NST-{tag},Cup {tag},3,EUR,-1,Kitchen",
            $"CUR-{tag},Cup {tag},3,euro,1,Kitchen",
            $"CAT-{tag},Cup {tag},3,EUR,1,Kitchen/Teapots {tag}",
            $"THEIRS-{tag},Cup {tag},3,EUR,1,Kitchen",
            $"OK-{tag},Cup {tag},3,EUR,1,Kitchen"));

        var rows = RowsBySku(job);
        Assert.Contains("price -3 is negative", rows[$"NEG-{tag}"].Reason);
        Assert.Contains("stock -1 is negative", rows[$"NST-{tag}"].Reason);
        Assert.Contains("currency 'euro'", rows[$"CUR-{tag}"].Reason);
        Assert.Contains($"Unknown category 'Kitchen/Teapots {tag}'", rows[$"CAT-{tag}"].Reason);
        Assert.Contains("already used by another shop", rows[$"THEIRS-{tag}"].Reason);
        Assert.Equal("CREATED", rows[$"OK-{tag}"].Outcome);
        Assert.Equal(5, job.GetProperty("rejected").GetInt32());
        Assert.NotNull(await stack.VariantAsync($"OK-{tag}"));
        Assert.Null(await stack.VariantAsync($"NEG-{tag}"));
        Assert.Equal(1, (await stack.VariantAsync($"THEIRS-{tag}"))!.Stock);

        // Categories are the admins' (Import:OwnersMayCreateCategories is false): an owner asking an import or a feed to
        // create them is refused and nothing is stored; an admin's import creates the missing one below the existing one.
        using (var byOwner = await stack.SendAsync(HttpMethod.Post, $"/api/products/import?shopId={shop}&createCategories=true",
            Csv("sku,name,price,categoryPath", $"CAT-{tag},Pot {tag},3,Kitchen/Teapots {tag}"), owner))
        {
            var problem = await byOwner.AssertProblemAsync(HttpStatusCode.Forbidden);
            Assert.Contains("Only administrators create categories", problem.GetProperty("detail").GetString());
        }
        using (var feedByOwner = await stack.SendAsync(HttpMethod.Post, "/api/products/feeds",
            new { shopId = shop, url = "http://127.0.0.1:9/feed.csv", intervalMinutes = 60, createCategories = true }, owner))
        {
            await feedByOwner.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.False(await stack.WithDbAsync(db => db.Categories.AnyAsync(c => c.Name == $"Teapots {tag}")));
        var created = await stack.ImportAsync(shop, stack.Admin, Csv("sku,name,price,categoryPath", $"CAT-{tag},Pot {tag},3,Kitchen/Teapots {tag}"), "&createCategories=true");
        Assert.Equal("CREATED", RowsBySku(created)[$"CAT-{tag}"].Outcome);
        var category = await stack.WithDbAsync(db => db.Categories.AsNoTracking().SingleAsync(c => c.Name == $"Teapots {tag}"));
        Assert.Equal(Guid.Parse(ProductHelpers.Kitchen), category.ParentId);
    }

    [Fact]
    public async Task Where_the_option_allows_it_an_owners_import_creates_categories()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Categories {tag}");
        await using var permissive = stack.StartInstance(new Dictionary<string, string?> { ["Import:OwnersMayCreateCategories"] = "true" });

        using var response = await permissive.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/products/import?shopId={shop}&createCategories=true")
        {
            Content = Csv("sku,name,price,categoryPath", $"OWN-{tag},Owned pot {tag},3,Kitchen/Owned {tag}"),
            Headers = { Authorization = new("Bearer", owner) },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);

        var job = await stack.WaitForImportAsync(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid(), owner);
        Assert.Equal("CREATED", RowsBySku(job)[$"OWN-{tag}"].Outcome);
        Assert.True(await stack.WithDbAsync(db => db.Categories.AnyAsync(c => c.Name == $"Owned {tag}" && c.ParentId == Guid.Parse(ProductHelpers.Kitchen))));
    }

    [Fact]
    public async Task A_file_with_a_whole_file_error_is_refused_and_nothing_is_stored()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Refused {tag}");

        var latin1 = new ByteArrayContent([.. Encoding.UTF8.GetBytes("sku,name,price\r\nA1,Caf"), 0xE9, .. Encoding.UTF8.GetBytes(",3\r\n")]);
        latin1.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var encoding = await RefusedAsync(shop, owner, latin1, HttpStatusCode.BadRequest);
        Assert.Contains("not UTF-8", encoding.GetProperty("detail").GetString());

        var columns = await RefusedAsync(shop, owner, Csv("sku,title,price", "A1,Cup,3"), HttpStatusCode.UnprocessableEntity);
        var columnErrors = columns.GetProperty("errors").GetProperty("columns").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("Unknown column 'title'.", columnErrors);
        Assert.Contains("Missing column name.", columnErrors);

        var duplicates = await RefusedAsync(shop, owner, Csv("sku,name,price,categoryPath", $"D-{tag},Cup,3,Kitchen", $"E-{tag},Cup,3,Kitchen", $"D-{tag},Cup,4,Kitchen"),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"'D-{tag}' in rows 1, 3", duplicates.GetProperty("errors").GetProperty("sku")[0].GetString());

        var big = new StringBuilder("sku,name,price\r\n");
        for (var i = 0; big.Length <= 262144; i++)
        {
            big.Append(FormattableString.Invariant($"BIG-{i},Big item {i},1.00\r\n"));
        }
        await RefusedAsync(shop, owner, Csv(big.ToString()), HttpStatusCode.RequestEntityTooLarge);

        Assert.False(await stack.WithDbAsync(db => db.ImportJobs.AnyAsync(j => j.ShopId == shop)));
        Assert.Null(await stack.VariantAsync($"E-{tag}"));
    }

    [Fact]
    public async Task Only_the_shops_owner_or_an_admin_imports_and_reads_the_job()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Owned {tag}");
        var (_, other) = await stack.NewShopAsync($"Not owned {tag}");
        var file = $"[{{\"sku\":\"JS-{tag}\",\"name\":\"Json {tag}\",\"price\":4.5,\"stock\":2,\"categoryPath\":\"Kitchen\"}}]";

        using (var byOther = await stack.SendAsync(HttpMethod.Post, $"/api/products/import?shopId={shop}", Json(file), other))
        {
            await byOther.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var byCustomer = await stack.SendAsync(HttpMethod.Post, $"/api/products/import?shopId={shop}", Json(file), stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer])))
        {
            await byCustomer.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var anonymous = await stack.SendAsync(HttpMethod.Post, $"/api/products/import?shopId={shop}", Json(file), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // A JSON file as a multipart upload, by the admin.
        using var form = new MultipartFormDataContent { { Json(file), "file", "catalog.json" } };
        var jobId = await stack.StartImportAsync(shop, stack.Admin, form);
        var job = await stack.WaitForImportAsync(jobId, owner);
        Assert.Equal("json", job.GetProperty("format").GetString());
        Assert.Equal("CREATED", RowsBySku(job)[$"JS-{tag}"].Outcome);
        Assert.Equal(4.5m, (await stack.VariantAsync($"JS-{tag}"))!.Price);

        using var read = await stack.SendAsync(HttpMethod.Get, $"/api/products/imports/{jobId}", null, other);
        await read.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Archive_missing_archives_the_shops_products_absent_from_the_file()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Archive {tag}");
        var (kept, _) = await stack.CreateProductAsync(shop, owner, $"Kept {tag}", "k", ($"KEEP-{tag}", 1, 0));
        var (gone, _) = await stack.CreateProductAsync(shop, owner, $"Gone {tag}", "g", ($"GONE-{tag}", 1, 0));

        var job = await stack.ImportAsync(shop, owner, Csv("sku,name,price", $"KEEP-{tag},Kept {tag},10"), "&archiveMissing=true");

        Assert.Equal(1, job.GetProperty("archived").GetInt32());
        using var archived = await stack.SendAsync(HttpMethod.Get, $"/api/products/{gone}", null, null);
        Assert.Equal(HttpStatusCode.NotFound, archived.StatusCode);
        await stack.GetAsync($"/api/products/{kept}");
        Assert.Contains(await stack.OutboxEventsAsync<ProductChanged>(gone), e => e.Kind == ProductChangeKind.Deleted);
    }

    [Fact]
    public async Task Report_rows_are_paginated()
    {
        var tag = Tag();
        var (shop, owner) = await stack.NewShopAsync($"Pages {tag}");
        var lines = Enumerable.Range(1, 5).Select(i => $"P{i}-{tag},Item {tag},{i},Kitchen").Prepend("sku,name,price,categoryPath").ToArray();
        var jobId = await stack.StartImportAsync(shop, owner, Csv(lines));
        await stack.WaitForImportAsync(jobId, owner);

        var page = await stack.GetAsync($"/api/products/imports/{jobId}?page=2&size=2", owner);
        var rows = page.GetProperty("rows");
        Assert.Equal(5, rows.GetProperty("total").GetInt32());
        Assert.Equal([3, 4], rows.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
    }

    private async Task<System.Text.Json.JsonElement> RefusedAsync(Guid shop, string owner, HttpContent file, HttpStatusCode status)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, $"/api/products/import?shopId={shop}", file, owner);
        return await response.AssertProblemAsync(status);
    }

    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];
}
