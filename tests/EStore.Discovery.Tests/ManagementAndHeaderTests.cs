using System.Net;
using EStore.Platform.Hosting;

namespace EStore.Discovery.Tests;

/// <summary>The platform's management rules and security headers, as the discovery server serves them.</summary>
public sealed class ManagementAndHeaderTests
{
    [Fact]
    public async Task Dashboard_gets_the_html_policy_and_runs_no_inline_script()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([SecurityHeaders.HtmlPolicy], response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
        // script-src 'self' would block an inline script: the page must not need one.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Eureka_answers_carry_the_api_policy()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        using var response = await client.GetAsync("/eureka/apps");

        Assert.Equal([SecurityHeaders.ApiPolicy], response.Headers.GetValues("Content-Security-Policy"));
    }

    [Theory]
    [InlineData("/actuator")]
    [InlineData("/actuator/info")]
    [InlineData("/actuator/metrics")]
    [InlineData("/actuator/prometheus")]
    public async Task Without_token_validation_or_management_port_management_endpoints_are_404(string path)
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/actuator/health")).StatusCode);
    }
}
