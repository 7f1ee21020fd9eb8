using System.Net;

namespace EStore.Discovery.Tests;

public sealed class RoutingTests
{
    [Theory]
    [InlineData("/eureka")]
    [InlineData("/eureka/v2")]
    public async Task Every_operation_works_under_both_prefixes(string prefix)
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NoContent, (await client.RegisterAsync(Eureka.SteeltoeBody(), prefix: prefix)).StatusCode);
        Assert.Equal("UP_1_", (await client.GetJsonAsync($"{prefix}/apps")).GetProperty("applications").GetProperty("apps__hashcode").GetString());
        Assert.Equal("UP_1_", (await client.GetJsonAsync($"{prefix}/apps/")).GetProperty("applications").GetProperty("apps__hashcode").GetString());
        Assert.Equal("ORDERS", (await client.GetJsonAsync($"{prefix}/apps/orders")).GetProperty("application").GetProperty("name").GetString());
        Assert.Equal("host-a", (await client.GetJsonAsync($"{prefix}/apps/Orders/host-a:orders:8080/")).GetProperty("instance").GetProperty("hostName").GetString());
        Assert.Equal("ORDERS", (await client.GetJsonAsync($"{prefix}/instances/host-a:orders:8080")).GetProperty("instance").GetProperty("app").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"{prefix}/apps/orders/host-a:orders:8080", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"{prefix}/apps/orders/host-a:orders:8080/status?value=OUT_OF_SERVICE", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"{prefix}/apps/orders/host-a:orders:8080/status?value=UP")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"{prefix}/apps/orders/host-a:orders:8080/")).StatusCode);
    }

    [Fact]
    public async Task Instance_ids_are_case_sensitive_and_percent_decoded()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(instanceId: "Host-A:orders:8080"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/eureka/apps/ORDERS/Host-A%3Aorders%3A8080")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/apps/ORDERS/host-a:orders:8080")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync("/eureka/apps/ORDERS/HOST-A:orders:8080", null)).StatusCode);
    }

    [Fact]
    public async Task An_instance_id_with_an_encoded_slash_is_found()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(instanceId: "pod/orders-1"));

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/eureka/apps/ORDERS/pod%2Forders-1", null)).StatusCode);
        Assert.Equal("pod/orders-1", (await client.GetJsonAsync("/eureka/apps/ORDERS/pod%2Forders-1")).GetProperty("instance").GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Unknown_application_is_404_and_delta_is_never_taken_for_an_app_name()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/apps/NOPE")).StatusCode);
        var delta = await client.GetJsonAsync("/eureka/apps/delta");
        Assert.Empty(delta.GetProperty("applications").GetProperty("application").EnumerateArray());
    }

    [Fact]
    public async Task Empty_registry_still_emits_the_application_array()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var applications = (await client.GetJsonAsync("/eureka/v2/apps/")).GetProperty("applications");

        Assert.Equal(System.Text.Json.JsonValueKind.Array, applications.GetProperty("application").ValueKind);
        Assert.Equal("", applications.GetProperty("apps__hashcode").GetString());
    }

    [Fact]
    public async Task Dashboard_lists_apps_and_instances_html_encoded()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var body = Eureka.SteeltoeBody(instanceId: "<script>x</script>");
        body["instance"]!["metadata"] = new System.Text.Json.Nodes.JsonObject { ["zone"] = "zone-b" };
        await client.RegisterAsync(body);

        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ORDERS", html);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>x", html);
        Assert.Contains("UP", html);
        Assert.Contains("zone-b (1)", html);
        Assert.Contains("renews every 30s, lasts 90s", html);
        Assert.Contains("Renews threshold", html);
        Assert.Contains("No peers configured", html);
    }

    [Fact]
    public async Task Actuator_health_is_served()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var response = await client.GetAsync("/actuator/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
