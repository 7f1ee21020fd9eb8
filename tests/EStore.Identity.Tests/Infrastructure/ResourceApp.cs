using EStore.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>
/// A service protected by platform/Security, as every EStore service will be: it finds identity-service's
/// keys through <c>Jwt:JwksUrl</c> and learns revocations from the broker. Its endpoints echo the caller.
/// </summary>
public sealed class ResourceApp : IAsyncDisposable
{
    private readonly PlatformApp _app;

    private ResourceApp(PlatformApp app, TestClock clock)
    {
        _app = app;
        Clock = clock;
    }

    public HttpClient Http => _app.Client;

    public TestClock Clock { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ResourceApp> StartAsync(Uri jwksUrl, string? bootstrapServers, IDictionary<string, string?>? extra = null)
    {
        var clock = new TestClock();
        var settings = new Dictionary<string, string?>
        {
            ["Jwt:JwksUrl"] = jwksUrl.ToString(),
            // Rotation tests expect a new kid to be fetched at once.
            ["Jwt:JwksMinRefreshSeconds"] = "0",
            ["Kafka:BootstrapServers"] = bootstrapServers,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var app = await PlatformApp.StartAsync("resource-service", settings, configure: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.AddServiceAuthentication();
        }, map: MapProbes);
        return new ResourceApp(app, clock);
    }

    /// <summary>
    /// Waits until this service's revocation listener has joined its group and reads identity.events (a
    /// process that has just started needs a moment; afterwards revocations arrive within a second).
    /// </summary>
    public async Task WaitForRevocationsAsync(IdentityClient identity)
    {
        var (_, tokens) = await identity.NewUserAsync("warmup");
        using (await identity.PostAsync("/api/auth/logout", null, tokens.AccessToken))
        {
        }
        await Eventually.GetAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/probe/me");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            using var response = await Http.SendAsync(request);
            return response.StatusCode;
        }, status => status == System.Net.HttpStatusCode.Unauthorized, "the resource service's revocation listener", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
    }

    private static void MapProbes(IEndpointRouteBuilder endpoints)
    {
        var probe = endpoints.MapGroup("/api/probe");
        probe.MapGet("/open", () => Results.Ok(new { open = true }));
        probe.MapGet("/me", (CurrentUser user) => Results.Ok(user)).RequireAuthorization(AuthorizationPolicies.Authenticated);
        probe.MapGet("/accessor", (ICurrentUserAccessor accessor) => Results.Ok(accessor.User)).RequireAuthorization();
        probe.MapGet("/admin", () => Results.Ok(new { admin = true })).RequireAuthorization(AuthorizationPolicies.Admin);
        probe.MapGet("/shop", () => Results.Ok(new { shop = true })).RequireAuthorization(AuthorizationPolicies.ShopOwner);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
