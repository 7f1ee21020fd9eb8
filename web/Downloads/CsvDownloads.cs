using EStore.Web.Accounts;
using EStore.Web.Components.Admin;
using EStore.Web.Gateway;

namespace EStore.Web.Downloads;

/// <summary>
/// The CSV downloads: each a GET of web that calls the gateway with the signed-in user's token (which stays on this
/// server) and streams the API's CSV on as a file (<c>Content-Disposition</c> with its name). A 403 or 404 of the API
/// is web's 404: a download never tells that someone else's shop exists, nor that an admin's list does.
/// </summary>
public static class CsvDownloads
{
    public static IEndpointRouteBuilder MapCsvDownloads(this IEndpointRouteBuilder endpoints)
    {
        // The shop console's inventory report (product-service answers a customer 403 and another owner 404).
        endpoints.MapCsv("/console/shops/{id:guid}/inventory.csv", http =>
            ($"/api/inventory/report?shopId={http.GetRouteValue("id")}&format=csv", $"inventory-{http.GetRouteValue("id")}.csv"));
        // The orders of the owner's shops, with the console's filters (another's shop id is order-service's 404).
        endpoints.MapCsv("/console/orders.csv", http =>
            ("/api/orders/shop/export?" + ShopOrdersQuery(http.Request.Query), "shop-orders.csv"));
        // Every order, with the admin list's filters (the gateway's orders-admin route answers anyone else 403).
        endpoints.MapCsv("/admin/orders.csv", http =>
            ("/api/orders/admin/export?" + AdminOrderFilter.Of(http.Request.Query).ApiQuery(), "orders.csv"));
        return endpoints;
    }

    /// <summary>The shop console's filters as order-service's query: <c>shopId</c>, <c>status</c>.</summary>
    public static string ShopOrdersQuery(IQueryCollection query) => string.Join('&', new[] { "shopId", "status" }
        .Where(name => !string.IsNullOrWhiteSpace(query[name]))
        .Select(name => $"{name}={Uri.EscapeDataString(query[name].ToString().Trim())}"));

    private static void MapCsv(this IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, (string ApiPath, string FileName)> target) =>
        endpoints.MapGet(pattern, async (HttpContext http, GatewayClient gateway) =>
        {
            var (path, fileName) = target(http);
            var caller = new ApiCaller(await SessionCookie.AccessTokenAsync(http));
            var answer = await gateway.DownloadAsync(path, caller, http.RequestAborted);
            if (answer.Value is { } response)
            {
                // Passed on as it arrives; the gateway's answer is closed when this request ends.
                http.Response.RegisterForDispose(response);
                var contentType = response.Content.Headers.ContentType?.ToString() ?? "text/csv";
                return Results.Stream(await response.Content.ReadAsStreamAsync(http.RequestAborted), contentType, fileName);
            }
            return answer.Problem is { Status: 403 or 404 }
                ? Results.Problem("Not found.", statusCode: StatusCodes.Status404NotFound)
                : Results.Problem(answer.Problem!.Message, statusCode: answer.Problem.Status);
        }).RequireAuthorization();
}
