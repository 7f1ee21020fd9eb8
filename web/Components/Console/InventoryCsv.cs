using EStore.Web.Accounts;
using EStore.Web.Gateway;

namespace EStore.Web.Components.Console;

/// <summary>
/// <c>GET /console/shops/{id}/inventory.csv</c>: product-service's inventory report as CSV, fetched with the signed-in
/// owner's token (which stays on this server) and passed on as a download; the API's 404 for someone else's shop too.
/// </summary>
public static class InventoryCsv
{
    public static IEndpointRouteBuilder MapInventoryCsv(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console/shops/{id:guid}/inventory.csv", async (Guid id, HttpContext http, GatewayClient gateway) =>
        {
            var caller = new ApiCaller(await SessionCookie.AccessTokenAsync(http));
            var answer = await gateway.DownloadAsync($"/api/inventory/report?shopId={id}&format=csv", caller, http.RequestAborted);
            if (answer.Value is var (body, contentType) && answer.Ok)
            {
                return Results.File(body, contentType, $"inventory-{id}.csv");
            }
            // product-service answers a customer 403 and another owner 404; neither may tell that the shop exists.
            return answer.Problem is { Status: 403 or 404 }
                ? Results.Problem("Not found.", statusCode: StatusCodes.Status404NotFound)
                : Results.Problem(answer.Problem!.Message, statusCode: answer.Problem.Status);
        }).RequireAuthorization();
        return endpoints;
    }
}
