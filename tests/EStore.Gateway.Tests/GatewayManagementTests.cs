using System.Net;
using System.Text.RegularExpressions;
using EStore.Platform.Hosting;
using static EStore.Gateway.Tests.GatewayClient;

namespace EStore.Gateway.Tests;

/// <summary>
/// The management endpoints are closed to the public at the gateway and on the services' own ports; the security
/// headers are on the gateway's own answers and on proxied ones, once.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed partial class GatewayManagementTests(GatewayMeshFixture mesh)
{
    private static readonly string[] ManagementPaths =
        ["/actuator", "/actuator/info", "/actuator/metrics", "/actuator/metrics/http.server.active_requests", "/actuator/prometheus", "/actuator/gateway/routes"];

    [Fact]
    public async Task Management_endpoints_are_404_on_the_gateway_port_for_anyone_and_served_on_its_management_port()
    {
        var customer = mesh.Tokens.For(Guid.NewGuid(), ["customer"]);
        var admin = mesh.Tokens.For(Guid.NewGuid(), ["admin"]);
        using var management = new HttpClient { BaseAddress = mesh.Mesh.GetInstances("gateway")[2].ManagementUrl };

        foreach (var path in ManagementPaths)
        {
            Assert.Equal(HttpStatusCode.NotFound, await GetStatusAsync(mesh.Gateway, path));
            // Gateway #3 trusts the test key: even an admin token does not open them on the public port.
            Assert.Equal(HttpStatusCode.NotFound, await GetStatusAsync(mesh.TestKeyGateway, path, customer));
            Assert.Equal(HttpStatusCode.NotFound, await GetStatusAsync(mesh.TestKeyGateway, path, admin));
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(mesh.GatewayManagement, path));
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(management, path));
        }
        foreach (var path in new[] { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness" })
        {
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(mesh.Gateway, path));
        }
        // The management port does not proxy.
        Assert.Equal(HttpStatusCode.NotFound, await GetStatusAsync(mesh.GatewayManagement, "/api/products"));
    }

    [Fact]
    public async Task Management_endpoints_are_404_on_a_service_port_and_served_on_its_management_port()
    {
        var product = mesh.Mesh.GetInstances("product-service")[0];
        using var service = new HttpClient { BaseAddress = product.BaseUrl };
        using var management = new HttpClient { BaseAddress = product.ManagementUrl };
        var customer = mesh.Tokens.For(Guid.NewGuid(), ["customer"]);

        foreach (var path in ManagementPaths.Where(p => !p.Contains("gateway", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.NotFound, await GetStatusAsync(service, path));
            Assert.Equal(HttpStatusCode.NotFound, await GetStatusAsync(service, path, customer));
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(management, path));
        }
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(service, "/actuator/health"));
    }

    [Fact]
    public async Task Proxied_and_own_answers_carry_each_security_header_once_and_no_server_header()
    {
        foreach (var path in new[] { "/api/products", "/actuator/health", "/api/nowhere", "/api-docs" })
        {
            using var response = await mesh.Gateway.GetAsync(path);
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
            Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
            Assert.Equal([SecurityHeaders.ApiPolicy], response.Headers.GetValues("Content-Security-Policy"));
            Assert.False(response.Headers.Contains("Server"), path);
        }
    }

    [Fact]
    public async Task Swagger_ui_gets_the_html_policy_and_loads_only_same_origin_scripts()
    {
        using var page = await mesh.Gateway.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal([SecurityHeaders.HtmlPolicy], page.Headers.GetValues("Content-Security-Policy"));
        var html = await page.Content.ReadAsStringAsync();

        // script-src 'self' allows no inline script: every script must be a same-origin file, and each must load.
        var scripts = ScriptTag().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.Equal(ScriptOpening().Count(html), scripts.Count);
        foreach (var src in scripts)
        {
            Assert.DoesNotContain("://", src, StringComparison.Ordinal);
            using var script = await mesh.Gateway.GetAsync(new Uri(new Uri(mesh.Gateway.BaseAddress!, "/swagger/"), src));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
        // The configuration script names the documents by same-origin paths (connect-src 'self').
        using var config = await mesh.Gateway.GetAsync("/swagger/index.js");
        Assert.DoesNotContain("http://", await config.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("<script\\s+src=\"(?<src>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOpening();
}
