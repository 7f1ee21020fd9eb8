using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;

namespace EStore.Product.Tests.Infrastructure;

/// <summary>Imports through <c>POST /api/products/import</c> and their jobs, for the import tests.</summary>
public static class ImportHelpers
{
    public const string Header = "sku,name,description,categoryPath,variantName,price,currency,stock,lowStockThreshold,supplierRef";

    /// <summary>A CSV body (UTF-8, <c>text/csv</c>) of <paramref name="lines"/> joined with CRLF.</summary>
    public static ByteArrayContent Csv(params string[] lines)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    /// <summary>Posts an import; asserts 202 and returns the job's id.</summary>
    public static async Task<Guid> StartImportAsync(this ProductStack stack, Guid shopId, string token, HttpContent file, string query = "")
    {
        using var response = await stack.SendAsync(HttpMethod.Post, $"/api/products/import?shopId={shopId}{query}", file, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var job = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"/api/products/imports/{job.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        return job.GetProperty("id").GetGuid();
    }

    /// <summary>Waits until the job is finished (succeeded or failed) and returns it with the first 100 report rows.</summary>
    public static Task<JsonElement> WaitForImportAsync(this ProductStack stack, Guid jobId, string token) =>
        Eventually.GetAsync(
            () => stack.GetAsync($"/api/products/imports/{jobId}?size=100", token),
            job => job.GetProperty("state").GetString() is "SUCCEEDED" or "FAILED",
            $"import {jobId} to finish", TimeSpan.FromSeconds(60));

    /// <summary>Imports and waits for the finished job.</summary>
    public static async Task<JsonElement> ImportAsync(this ProductStack stack, Guid shopId, string token, HttpContent file, string query = "") =>
        await stack.WaitForImportAsync(await stack.StartImportAsync(shopId, token, file, query), token);

    /// <summary>The report's rows by SKU: (outcome, reason).</summary>
    public static Dictionary<string, (string Outcome, string? Reason)> RowsBySku(JsonElement job) =>
        job.GetProperty("rows").GetProperty("items").EnumerateArray().ToDictionary(
            r => r.GetProperty("sku").GetString()!,
            r => (r.GetProperty("outcome").GetString()!, r.TryGetProperty("reason", out var reason) ? reason.GetString() : null));

    /// <summary>The variant with <paramref name="sku"/>, untracked, or null.</summary>
    public static Task<ProductVariant?> VariantAsync(this ProductStack stack, string sku) =>
        stack.WithDbAsync(db => db.Variants.AsNoTracking().SingleOrDefaultAsync(v => v.Sku == sku));

    /// <summary>The ledger lines of the variant with <paramref name="sku"/>, oldest first.</summary>
    public static Task<List<StockMovement>> LedgerAsync(this ProductStack stack, string sku) =>
        stack.WithDbAsync(db => (from m in db.StockMovements
                                 join v in db.Variants on m.VariantId equals v.Id
                                 where v.Sku == sku
                                 orderby m.Id
                                 select m).AsNoTracking().ToListAsync());
}
