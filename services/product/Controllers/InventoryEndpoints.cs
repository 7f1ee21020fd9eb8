using System.Globalization;
using System.Text;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;

namespace EStore.Product.Controllers;

/// <summary>
/// <c>/api/inventory</c>: owners and admins set or adjust stock (both land in the ledger) and read their shop's
/// stock report and summary.
/// </summary>
public static class InventoryEndpoints
{
    public static IEndpointRouteBuilder MapInventoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var inventory = endpoints.MapGroup("/api/inventory").WithTags("Inventory").RequireAuthorization(AuthorizationPolicies.Authenticated);
        inventory.MapPut("/{variantId}", async (string variantId, SetStockRequest? request, CurrentUser caller, Inventory stock, CancellationToken ct) =>
        {
            if (!Guid.TryParse(variantId, out var id))
            {
                return BadId(variantId);
            }
            if (request is null)
            {
                return MissingBody();
            }
            var (level, problem) = await stock.SetAsync(caller, id, request, ct);
            return problem ?? Results.Ok(level);
        }).Produces<StockLevelDto>();
        inventory.MapPost("/{variantId}/adjust", async (string variantId, AdjustStockRequest? request, CurrentUser caller, Inventory stock, CancellationToken ct) =>
        {
            if (!Guid.TryParse(variantId, out var id))
            {
                return BadId(variantId);
            }
            if (request is null)
            {
                return MissingBody();
            }
            var (level, problem) = await stock.AdjustAsync(caller, id, request, ct);
            return problem ?? Results.Ok(level);
        }).Produces<StockLevelDto>();
        inventory.MapGet("/report", ReportAsync).Produces<InventoryReportDto>().Produces<string>(contentType: "text/csv");
        inventory.MapGet("/summary", async (string? shopId, CurrentUser caller, InventoryReport reports, CancellationToken ct) =>
        {
            if (!Guid.TryParse(shopId, out var id))
            {
                return BadShopId();
            }
            var (summary, problem) = await reports.SummaryAsync(caller, id, ct);
            return problem ?? Results.Ok(summary);
        }).Produces<ShopStockSummaryDto>();
        return endpoints;
    }

    private static async Task<IResult> ReportAsync(
        string? shopId, string? format, HttpRequest request, CurrentUser caller, InventoryReport reports, CancellationToken ct)
    {
        if (!Guid.TryParse(shopId, out var id))
        {
            return BadShopId();
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
        var (report, problem) = await reports.ReportAsync(caller, id, ct);
        if (problem is not null)
        {
            return problem;
        }
        return csv
            ? Results.File(Encoding.UTF8.GetBytes(InventoryCsv.Write(report!.Items)), InventoryCsv.ContentType,
                $"inventory-{id}-{report.GeneratedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv")
            : Results.Ok(report);
    }

    private static IResult BadShopId() => ProblemResponses.BadRequest("'shopId' is required and must be a shop id (a UUID).");

    private static IResult BadId(string id) => ProblemResponses.BadRequest($"'{id}' is not a variant id (a UUID).");

    private static IResult MissingBody() => ProblemResponses.BadRequest("A JSON request body is required.");
}
