using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;

namespace EStore.Product.Controllers;

/// <summary><c>/api/inventory/{variantId}</c>: owners and admins set or adjust stock; both land in the ledger.</summary>
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
        return endpoints;
    }

    private static IResult BadId(string id) => ProblemResponses.BadRequest($"'{id}' is not a variant id (a UUID).");

    private static IResult MissingBody() => ProblemResponses.BadRequest("A JSON request body is required.");
}
