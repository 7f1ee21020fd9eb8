using System.Net;
using System.Text.RegularExpressions;
using EStore.Platform.Hosting;

namespace EStore.Gateway.Tests;

/// <summary>
/// The storefront's route: every path outside the API, discovery and management prefixes goes to <c>web</c>, anonymous
/// and last, with the HTML security headers; its scripts and styles load from the gateway's own origin.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed partial class GatewayWebRouteTests(GatewayMeshFixture mesh)
{
    private HttpClient Gateway => mesh.Gateway;

    [Theory]
    [InlineData("/")]
    [InlineData("/search?q=lamp")]
    [InlineData("/login")]
    public async Task Pages_outside_the_api_are_served_by_web_with_the_html_policy(string path)
    {
        using var response = await Gateway.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([SecurityHeaders.HtmlPolicy], response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
        Assert.False(response.Headers.Contains("Server"));
        Assert.Contains("<title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/nowhere")]
    [InlineData("/API/nowhere")]
    [InlineData("/api")]
    [InlineData("/.well-known/nowhere")]
    [InlineData("/eureka/apps")]
    public async Task Api_discovery_and_well_known_paths_never_reach_web(string path)
    {
        using var response = await Gateway.GetAsync(path);

        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([SecurityHeaders.ApiPolicy], response.Headers.GetValues("Content-Security-Policy"));
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_script_and_stylesheet_of_a_page_is_same_origin_and_loads_through_the_gateway()
    {
        var html = await Gateway.GetStringAsync("/");

        // script-src 'self' allows no inline script: every script is a file of this origin, and so is every style sheet.
        var files = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.Contains(files, f => f.Contains("blazor.web", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("MudBlazor", StringComparison.Ordinal) && f.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("MudBlazor", StringComparison.Ordinal) && f.EndsWith(".js", StringComparison.Ordinal));
        Assert.Equal(ScriptOpening().Count(html), ScriptTag().Count(html));
        foreach (var file in files)
        {
            Assert.DoesNotContain("//", file, StringComparison.Ordinal);
            using var response = await Gateway.GetAsync("/" + file.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Api_docs_do_not_list_the_storefront()
    {
        var list = await Gateway.GetStringAsync("/api-docs");

        Assert.DoesNotContain("\"web\"", list, StringComparison.Ordinal);
    }

    [GeneratedRegex("<(?:script src|link rel=\"stylesheet\" href)=\"(?<url>[^\"]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex("<script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOpening();

    [GeneratedRegex("<script src=\"[^\"]+\"></script>")]
    private static partial Regex ScriptTag();
}
