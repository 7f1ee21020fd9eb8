using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EStore.EndToEnd.Tests;

/// <summary>A shopper reads the catalog through the gateway; every hop is a real process.</summary>
public sealed class GatewayProductTests(ProductMeshFixture fixture) : IClassFixture<ProductMeshFixture>
{
    [Fact]
    public async Task Products_are_served_through_the_gateway_from_a_registered_product_service()
    {
        using var response = await fixture.Gateway.GetAsync("/api/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await ReadJsonAsync(response);
        Assert.Equal(12, page.GetProperty("total").GetInt32());
        var names = page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(12, names.Count);
        Assert.Contains("Trail Running Shoes", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Shop_name_filter_combines_with_other_filters_through_the_gateway()
    {
        var page = await ReadJsonAsync(await fixture.Gateway.GetAsync("/api/products?shopName=SUMMIT&inStock=true&sort=-price&size=3"));

        Assert.Equal(6, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Two-Person Tent", "Waterproof Jacket", "Trail Running Shoes"], items.Select(p => p.GetProperty("name").GetString()));
        Assert.All(items, p => Assert.Equal("Summit Outfitters", p.GetProperty("shopName").GetString()));

        using var tooLong = await fixture.Gateway.GetAsync($"/api/products?shopName={new string('x', 101)}");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("application/problem+json", tooLong.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Products_page_through_the_gateway_without_overlap()
    {
        var first = await ReadJsonAsync(await fixture.Gateway.GetAsync("/api/products?page=1&size=5"));
        var third = await ReadJsonAsync(await fixture.Gateway.GetAsync("/api/products?page=3&size=5"));

        Assert.Equal(5, first.GetProperty("items").GetArrayLength());
        Assert.Equal(2, third.GetProperty("items").GetArrayLength());
        var firstIds = first.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString());
        var thirdIds = third.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString());
        Assert.Empty(firstIds.Intersect(thirdIds));
    }

    [Fact]
    public async Task Product_is_found_by_id_through_the_gateway()
    {
        var page = await ReadJsonAsync(await fixture.Gateway.GetAsync("/api/products?size=1"));
        var listed = page.GetProperty("items")[0];

        using var response = await fixture.Gateway.GetAsync($"/api/products/{listed.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var product = await ReadJsonAsync(response);
        Assert.Equal(listed.GetProperty("name").GetString(), product.GetProperty("name").GetString());
        Assert.Equal(listed.GetProperty("price").GetDecimal(), product.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Missing_product_is_a_404_problem_through_the_gateway()
    {
        using var response = await fixture.Gateway.GetAsync($"/api/products/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal(404, problem.GetProperty("status_code").GetInt32());
        Assert.Contains("does not exist", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_product_id_is_a_404_problem_through_the_gateway()
    {
        using var response = await fixture.Gateway.GetAsync("/api/products/not-a-uuid");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("Not Found", problem.GetProperty("error").GetString());
        Assert.Equal(404, problem.GetProperty("status_code").GetInt32());
    }

    [Theory]
    [InlineData("/api/products?size=1000")]
    [InlineData("/api/products?page=0")]
    [InlineData("/api/products?page=abc")]
    public async Task Bad_catalog_input_is_a_400_problem_through_the_gateway(string path)
    {
        using var response = await fixture.Gateway.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("Bad Request", problem.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Route_of_a_service_with_no_running_instance_answers_503_problem()
    {
        // An anonymous catalog route whose service (shop-service) this mesh does not run.
        using var response = await fixture.Gateway.GetAsync("/api/shops");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Equal(503, problem.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Product_service_registers_the_port_it_bound_although_it_asked_for_port_zero()
    {
        var instance = Assert.Single(fixture.Mesh.GetInstances("product-service"));
        using var discovery = new HttpClient { BaseAddress = fixture.Mesh.DiscoveryUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/eureka/apps/PRODUCT-SERVICE");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await discovery.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var registered = Assert.Single((await ReadJsonAsync(response)).GetProperty("application").GetProperty("instance").EnumerateArray());
        Assert.NotEqual(0, instance.Port);
        Assert.Equal(instance.Port, registered.GetProperty("port").GetProperty("$").GetInt32());
        Assert.Equal("UP", registered.GetProperty("status").GetString());
        Assert.Equal($"127.0.0.1:product-service:{instance.Port}", registered.GetProperty("instanceId").GetString());
        Assert.Equal($"http://127.0.0.1:{instance.Port}/actuator/health", registered.GetProperty("healthCheckUrl").GetString());
    }

    [Fact]
    public async Task Gateway_routes_show_the_product_service_instance_as_destination()
    {
        var instance = Assert.Single(fixture.Mesh.GetInstances("product-service"));

        using var management = new HttpClient { BaseAddress = fixture.Mesh.GetInstances("gateway")[0].ManagementUrl };
        var routes = await management.GetFromJsonAsync<JsonElement>("/actuator/gateway/routes");

        var cluster = routes.GetProperty("clusters").EnumerateArray().Single(c => c.GetProperty("clusterId").GetString() == "product-service");
        var destination = Assert.Single(cluster.GetProperty("destinations").EnumerateArray());
        Assert.Equal($"http://127.0.0.1:{instance.Port}/", destination.GetProperty("address").GetString());
        Assert.Contains(routes.GetProperty("routes").EnumerateArray(), r => r.GetProperty("path").GetString() == "/api/products/{**rest}");
    }

    [Fact]
    public async Task Every_process_reports_its_health_UP_with_its_components()
    {
        foreach (var instance in fixture.Mesh.Instances)
        {
            using var client = new HttpClient { BaseAddress = instance.BaseUrl };
            using var response = await client.GetAsync("/actuator/health");
            var health = await ReadJsonAsync(response);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{instance.Name}: {health}");
            Assert.Equal("UP", health.GetProperty("status").GetString());
            // The published port shows statuses only; the management port adds the components' details.
            Assert.DoesNotContain("\"details\"", health.ToString(), StringComparison.Ordinal);
            if (instance.AppName == "product-service")
            {
                using var management = new HttpClient { BaseAddress = instance.ManagementUrl };
                using var managed = await management.GetAsync("/actuator/health");
                var full = await ReadJsonAsync(managed);
                Assert.Equal("PostgreSQL", full.GetProperty("components").GetProperty("db").GetProperty("details").GetProperty("database").GetString());
                Assert.Equal("UP", health.GetProperty("components").GetProperty("discovery").GetProperty("status").GetString());
            }
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
