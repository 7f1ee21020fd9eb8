using System.Globalization;
using System.Text;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Product.Apis;

/// <summary>
/// <c>/api/inventory</c>: owners and admins set or adjust stock (both land in the ledger) and read their shop's
/// stock report and summary.
/// </summary>
public static class InventoryApi
{
    private const string BadShopId = "'shopId' is required and must be a shop id (a UUID).";

    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder endpoints)
    {
        var inventory = endpoints.MapGroup("/api/inventory").WithTags("Inventory").RequireAuthorization(AuthorizationPolicies.Authenticated);
        inventory.MapPut("/{variantId:guid}", async (Guid variantId, SetStockRequest request, CurrentUser caller, Inventory stock, CancellationToken ct) =>
            (await stock.SetAsync(caller, variantId, request, ct)).ToOk());
        inventory.MapPost("/{variantId:guid}/adjust", async (Guid variantId, AdjustStockRequest request, CurrentUser caller, Inventory stock, CancellationToken ct) =>
            (await stock.AdjustAsync(caller, variantId, request, ct)).ToOk());
        inventory.MapGet("/report", ReportAsync).Produces<string>(contentType: InventoryCsv.ContentType);
        inventory.MapGet("/summary", async Task<Results<Ok<ShopStockSummaryDto>, ProblemResult>> (Guid? shopId, CurrentUser caller, InventoryReport reports, CancellationToken ct) =>
            shopId is { } id ? (await reports.SummaryAsync(caller, id, ct)).ToOk() : ProblemResponses.BadRequest(BadShopId));
        return endpoints;
    }

    private static async Task<Results<Ok<InventoryReportDto>, FileContentHttpResult, ProblemResult>> ReportAsync(
        Guid? shopId, string? format, HttpRequest request, CurrentUser caller, InventoryReport reports, CancellationToken ct)
    {
        if (shopId is not { } id)
        {
            return ProblemResponses.BadRequest(BadShopId);
        }
        bool csv;
        switch (format?.ToLowerInvariant())
        {
            case "csv": csv = true; break;
            case "json": csv = false; break;
            // Without format= the Accept header decides; JSON unless it names CSV.
            case null or "": csv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)); break;
            default: return ProblemResponses.BadRequest("'format' must be csv or json.");
        }
        var result = await reports.ReportAsync(caller, id, ct);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }
        var report = result.Value!;
        return csv
            ? TypedResults.File(Encoding.UTF8.GetBytes(InventoryCsv.Write(report.Items)), InventoryCsv.ContentType,
                $"inventory-{id}-{report.GeneratedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv")
            : TypedResults.Ok(report);
    }
}
