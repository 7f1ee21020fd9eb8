using System.Collections;
using System.Text.Json.Nodes;
using EStore.Gateway.Routing;
using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Options;
using Swashbuckle.AspNetCore.SwaggerUI;

namespace EStore.Gateway.OpenApi;

/// <summary>One entry of <c>GET /api-docs</c>.</summary>
public sealed record ApiDocLink(string Service, string Url);

/// <summary>
/// The services' OpenAPI documents collected at the edge: <c>GET /api-docs</c> lists them,
/// <c>GET /api-docs/{service}</c> serves one with <c>servers</c> pointing at the gateway, and
/// <c>/swagger</c> is a UI over all of them. Anonymous: documents describe, they hold no data.
/// </summary>
public static class ApiDocsExtensions
{
    /// <summary>The path of the list; a document is at <c>{ListPath}/{service}</c>.</summary>
    public const string ListPath = "/api-docs";

    /// <summary>The UI's path prefix (without slashes).</summary>
    public const string UiRoutePrefix = "swagger";

    public static WebApplicationBuilder AddGatewayApiDocs(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ApiDocsOptions>(ApiDocsOptions.Section);
        // The per-fetch timeout (ApiDocsOptions.TimeoutSeconds) is the short one; this only caps it.
        builder.Services.AddHttpClient(ServiceDocuments.HttpClientName, http =>
        {
            http.Timeout = TimeSpan.FromSeconds(60);
            http.MaxResponseContentBufferSize = 16 * 1024 * 1024;
        }).AddServiceDiscovery();
        builder.Services.AddSingleton<ServiceDocuments>();
        return builder;
    }

    /// <summary>Maps <c>GET /api-docs</c> and <c>GET /api-docs/{service}</c>.</summary>
    public static WebApplication MapGatewayApiDocs(this WebApplication app)
    {
        var docs = app.MapGroup(ListPath).WithTags("API documents").AllowAnonymous()
            .RequireRateLimiting(GatewayRateLimits.PerUserPolicy);
        docs.MapGet("", (ServiceDocuments documents, HttpContext http) =>
            Results.Json(documents.RunningServices.Select(s => new ApiDocLink(s, $"{http.Request.PathBase}{ListPath}/{s}"))))
            .Produces<ApiDocLink[]>();
        docs.MapGet("/{service}", async (string service, ServiceDocuments documents, HttpContext http, IOptionsMonitor<ApiDocsOptions> settings, CancellationToken cancellationToken) =>
        {
            var lookup = await documents.GetAsync(service, cancellationToken);
            switch (lookup.Status)
            {
                case DocumentStatus.UnknownService:
                    return ProblemResponses.NotFound($"The gateway routes to no service named '{service}'; GET {ListPath} lists them.");
                case DocumentStatus.Unavailable:
                    return Results.Problem($"The API document of '{lookup.Service}' is not available right now; try again shortly.",
                        statusCode: StatusCodes.Status503ServiceUnavailable);
                default:
                    var document = lookup.Document!;
                    // "Try it out" must go through the gateway (JWT, rate limits), never to the instance directly.
                    document["servers"] = new JsonArray(new JsonObject
                    {
                        ["url"] = PublicBase(http, settings.CurrentValue),
                        ["description"] = "EStore gateway",
                    });
                    return Results.Json(document);
            }
        }).Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Serves the Swagger UI (files embedded in the package) at <c>/swagger</c>, listing every document.</summary>
    public static WebApplication UseGatewaySwaggerUi(this WebApplication app)
    {
        var documents = app.Services.GetRequiredService<ServiceDocuments>();
        // Only requests under the UI's prefix enter its middleware: it matches every path it sees against
        // regular expressions, which a profile of proxied requests showed as ~2% of the gateway's CPU.
        var prefix = new PathString("/" + UiRoutePrefix);
        app.UseWhen(http => http.Request.Path.StartsWithSegments(prefix), ui => ui.UseSwaggerUI(options =>
        {
            options.RoutePrefix = UiRoutePrefix;
            options.DocumentTitle = "EStore API";
            // Enumerated on every page load, so the list follows the routes and the services running now.
            options.ConfigObject.Urls = new DocumentUrls(documents);
            // The pasted token survives page reloads (browser local storage): paste once, use everywhere.
            options.EnablePersistAuthorization();
            options.DisplayRequestDuration();
        }));
        return app;
    }

    private static string PublicBase(HttpContext http, ApiDocsOptions settings) =>
        settings.PublicBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private sealed class DocumentUrls(ServiceDocuments documents) : IEnumerable<UrlDescriptor>
    {
        public IEnumerator<UrlDescriptor> GetEnumerator() => documents.RunningServices
            .Select(s => new UrlDescriptor { Name = s, Url = $"{ListPath}/{s}" })
            .GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
