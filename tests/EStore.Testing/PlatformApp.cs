using EStore.Platform.Health;
using EStore.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Testing;

/// <summary>
/// A real Kestrel application built with the platform's service defaults on 127.0.0.1:0, with endpoints and services the
/// test adds: the platform under test without any service's domain code. Each has its own app name (its own
/// TracerProvider, exporter and metric registry), so several can share the test process.
/// </summary>
public sealed class PlatformApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlatformApp(WebApplication app)
    {
        _app = app;
        var management = app.Services.GetRequiredService<ManagementPort>();
        BaseAddress = new Uri(app.Urls.First(u => !management.Enabled || !u.EndsWith($":{management.Port}", StringComparison.Ordinal)));
        Client = CreateClient(BaseAddress);
        Management = management.Url is { } url ? CreateClient(url) : null;
    }

    /// <summary>A client of the management port; null unless <c>Management:Port</c> was set.</summary>
    public HttpClient? Management { get; }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    /// <summary>A client of the application port (see <see cref="CreateClient"/>).</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A client that sends no trace headers of its own: the test process is not a traced service.</summary>
    public static HttpClient CreateClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseAddress };

    /// <summary>
    /// Builds and starts the application: <paramref name="settings"/> over the defaults (no Eureka), then
    /// <paramref name="configure"/> on the builder and <paramref name="map"/> on the built application.
    /// </summary>
    public static async Task<PlatformApp> StartAsync(
        string appName = "test-service",
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = ServiceHost.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eureka:Instance:AppName"] = appName,
            ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
            ["Eureka:Client:ShouldFetchRegistry"] = "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapServiceDefaults();
        map?.Invoke(app);
        await app.StartAsync();
        return new PlatformApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Management?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
