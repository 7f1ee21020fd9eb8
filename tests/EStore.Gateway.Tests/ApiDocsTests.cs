using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EStore.Gateway.Tests;

/// <summary>The services' OpenAPI documents collected by the gateway (<c>/api-docs</c>) and the UI over them (<c>/swagger</c>).</summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class ApiDocsTests(GatewayMeshFixture mesh)
{
    // Services of this mesh with a route in gateway/appsettings.json, plus the fixture's echo service (scale-echo
    // instances come and go with other tests).
    private static readonly string[] RunningServices = ["identity-service", "product-service", EchoService.AppName];

    // Routed in gateway/appsettings.json, but no instance runs in this mesh.
    private static readonly string[] NotRunningServices = ["address-service", "cart-service", "notification-service", "order-service", "payment-service", "shop-service"];

    private HttpClient Gateway => mesh.Gateway;

    [Fact]
    public async Task Api_docs_lists_every_running_routed_service_with_its_document_url_without_a_token_and_no_service_that_is_not_running()
    {
        using var response = await Gateway.GetAsync("/api-docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = await response.Content.ReadFromJsonAsync<JsonElement>();
        var entries = listed.EnumerateArray()
            .ToDictionary(e => e.GetProperty("service").GetString()!, e => e.GetProperty("url").GetString()!);
        Assert.All(RunningServices, s => Assert.Contains(s, entries.Keys));
        Assert.All(NotRunningServices, s => Assert.DoesNotContain(s, entries.Keys));
        Assert.All(entries, e => Assert.Equal("/api-docs/" + e.Key, e.Value));
    }

    [Theory]
    [InlineData("identity-service", "/api/auth/login", "/api/users/me", "/.well-known/jwks.json")]
    [InlineData("product-service", "/api/products", "/api/categories", "/api/products/{id}")]
    public async Task Service_document_is_OpenAPI_3_with_its_routes_and_the_gateway_as_server(string service, string route1, string route2, string route3)
    {
        var document = await GetDocumentAsync(service);

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(service, document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains(route1, paths);
        Assert.Contains(route2, paths);
        Assert.Contains(route3, paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/actuator", StringComparison.Ordinal));
        var server = Assert.Single(document.GetProperty("servers").EnumerateArray());
        Assert.Equal(Gateway.BaseAddress!.GetLeftPart(UriPartial.Authority), server.GetProperty("url").GetString());
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Operations_needing_a_token_require_the_bearer_scheme_and_public_ones_make_it_optional()
    {
        var document = await GetDocumentAsync("identity-service");
        var paths = document.GetProperty("paths");

        var profile = Requirements(paths.GetProperty("/api/users/me").GetProperty("get"));
        var login = Requirements(paths.GetProperty("/api/auth/login").GetProperty("post"));

        Assert.Equal(["Bearer"], profile);
        Assert.Equal(["", "Bearer"], login);

        // One requirement per alternative; an empty one means "no token needed".
        static List<string> Requirements(JsonElement operation) => operation.GetProperty("security").EnumerateArray()
            .Select(r => string.Join(',', r.EnumerateObject().Select(s => s.Name)))
            .ToList();
    }

    [Fact]
    public async Task Try_it_out_through_the_documented_server_reaches_the_service()
    {
        var document = await GetDocumentAsync("product-service");
        var server = document.GetProperty("servers")[0].GetProperty("url").GetString()!;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri(server + "/api/products"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Request-Id"), "answered by the gateway");
    }

    [Fact]
    public async Task Swagger_ui_is_served_by_the_gateway_and_its_config_names_every_running_service_with_persisted_authorization()
    {
        // /swagger redirects to the UI's index page; the client follows.
        using var page = await Gateway.GetAsync("/swagger");
        using var script = await Gateway.GetAsync("/swagger/index.js");
        using var bundle = await Gateway.GetAsync("/swagger/swagger-ui-bundle.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The UI's own files come from the gateway, not from a CDN.
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        var config = await script.Content.ReadAsStringAsync();
        Assert.All(RunningServices, s => Assert.Contains($"\"url\":\"/api-docs/{s}\"", config, StringComparison.Ordinal));
        // A service that is not running is not offered: the UI would open on an error.
        Assert.All(NotRunningServices, s => Assert.DoesNotContain($"/api-docs/{s}\"", config, StringComparison.Ordinal));
        Assert.Contains("\"persistAuthorization\":true", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_service_is_404_problem()
    {
        using var response = await Gateway.GetAsync("/api-docs/no-such-service");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Routed_service_without_an_instance_is_503_problem_without_internals()
    {
        // No cart-service runs in this mesh: it has routes but no instance.
        using var response = await Gateway.GetAsync("/api-docs/cart-service");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        var message = problem.GetProperty("message").GetString()!;
        Assert.Contains("cart-service", message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_answering_something_other_than_an_OpenAPI_document_is_503_problem()
    {
        // The echo service answers every path with its request headers as JSON.
        using var response = await Gateway.GetAsync("/api-docs/" + EchoService.AppName);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Document_is_kept_for_the_configured_time_then_fetched_again()
    {
        // Gateway #2 keeps documents GatewayMeshFixture.ApiDocsCacheSeconds; the echo service serves the document we set.
        var gateway = mesh.PublicReadsLockedGateway;
        try
        {
            mesh.Echo.OpenApiDocument = MinimalDocument("first");
            Assert.Equal("first", await EchoTitleAsync(gateway));

            mesh.Echo.OpenApiDocument = MinimalDocument("second");
            var clock = Stopwatch.StartNew();
            var title = await EchoTitleAsync(gateway);
            Assert.Equal("first", title);
            while (title != "second" && clock.Elapsed < TimeSpan.FromSeconds(GatewayMeshFixture.ApiDocsCacheSeconds * 5))
            {
                await Task.Delay(100);
                title = await EchoTitleAsync(gateway);
            }

            Assert.Equal("second", title);
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(GatewayMeshFixture.ApiDocsCacheSeconds / 2.0), $"refetched after {clock.ElapsedMilliseconds} ms");
        }
        finally
        {
            mesh.Echo.OpenApiDocument = null;
        }

        static string MinimalDocument(string title) =>
            JsonSerializer.Serialize(new { openapi = "3.1.1", info = new { title, version = "v1" }, paths = new { } });

        static async Task<string?> EchoTitleAsync(HttpClient gateway)
        {
            using var response = await gateway.GetAsync("/api-docs/" + EchoService.AppName);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("info").GetProperty("title").GetString();
        }
    }

    [Fact]
    public async Task Api_docs_stay_public_when_public_reads_need_a_token()
    {
        using var list = await mesh.PublicReadsLockedGateway.GetAsync("/api-docs");
        using var document = await mesh.PublicReadsLockedGateway.GetAsync("/api-docs/product-service");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task Every_route_prefix_of_the_architecture_has_a_gateway_route_to_its_owner()
    {
        // architecture.md, "Services": the prefixes each service serves behind the gateway.
        (string Prefix, string Owner)[] prefixes =
        [
            ("/api/auth", "identity-service"), ("/api/users", "identity-service"), ("/.well-known", "identity-service"),
            ("/api/products", "product-service"), ("/api/categories", "product-service"), ("/api/inventory", "product-service"),
            ("/api/carts", "cart-service"), ("/api/addresses", "address-service"), ("/api/orders", "order-service"),
            ("/api/payment-methods", "payment-service"), ("/api/payments", "payment-service"), ("/api/shops", "shop-service"),
            ("/api/notifications", "notification-service"),
        ];

        var routes = (await mesh.GatewayManagement.GetFromJsonAsync<JsonElement>("/actuator/gateway/routes")).GetProperty("routes")
            .EnumerateArray()
            .Select(r => (Path: r.GetProperty("path").GetString()!, Cluster: r.GetProperty("clusterId").GetString()!))
            .ToList();

        var missing = prefixes
            .Where(p => !routes.Any(r => r.Cluster == p.Owner && (r.Path == p.Prefix || r.Path.StartsWith(p.Prefix + "/", StringComparison.Ordinal))))
            .Select(p => $"{p.Prefix} -> {p.Owner}")
            .ToList();
        Assert.Empty(missing);
    }

    private async Task<JsonElement> GetDocumentAsync(string service)
    {
        using var response = await Gateway.GetAsync("/api-docs/" + service);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
