using System.Net;
using System.Net.Http.Headers;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Shop.Tests;

/// <summary>
/// <c>ForwardCallerToken()</c>, which shop-service's calls to product-service and identity-service rely on:
/// what leaves the process, seen by the innermost handler.
/// </summary>
public sealed class CallerTokenForwardingTests
{
    [Fact]
    public async Task The_callers_bearer_token_goes_along_on_outgoing_calls()
    {
        var (provider, client, seen, http) = Build();
        using var scope = provider;
        http.HttpContext = Incoming("Bearer caller-token");

        using var response = await client.GetAsync("http://product-service/api/inventory/summary");

        Assert.Equal(new AuthenticationHeaderValue("Bearer", "caller-token"), Assert.Single(seen));
    }

    [Fact]
    public async Task Nothing_is_added_outside_a_request_or_for_other_schemes_and_an_explicit_header_wins()
    {
        var (provider, client, seen, http) = Build();
        using var scope = provider;

        http.HttpContext = null;
        using (await client.GetAsync("http://identity-service/api/users/me"))
        {
        }
        http.HttpContext = Incoming("Basic dXNlcjpwYXNz");
        using (await client.GetAsync("http://identity-service/api/users/me"))
        {
        }
        http.HttpContext = Incoming("Bearer caller-token");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "http://identity-service/api/users/me"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "service-token");
            using var response = await client.SendAsync(request);
        }

        Assert.Equal([null, null, new AuthenticationHeaderValue("Bearer", "service-token")], seen);
    }

    private static (ServiceProvider Provider, HttpClient Client, List<AuthenticationHeaderValue?> Seen, IHttpContextAccessor Http) Build()
    {
        var seen = new List<AuthenticationHeaderValue?>();
        var services = new ServiceCollection();
        services.AddHttpClient("forwarding")
            .ForwardCallerToken()
            .ConfigurePrimaryHttpMessageHandler(() => new Recording(seen));
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("forwarding");
        return (provider, client, seen, provider.GetRequiredService<IHttpContextAccessor>());
    }

    private static DefaultHttpContext Incoming(string authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = authorization;
        return context;
    }

    private sealed class Recording(List<AuthenticationHeaderValue?> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.Authorization);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
