using EStore.Platform.Health;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Tests;

/// <summary>A real Kestrel process-in-a-test built with the service defaults, on 127.0.0.1:0.</summary>
internal sealed class TestService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestService(WebApplication app, HttpClient client, HttpClient? management)
    {
        _app = app;
        Client = client;
        Management = management;
    }

    public HttpClient Client { get; }

    /// <summary>A client of the management port; null unless <c>Management:Port</c> was set.</summary>
    public HttpClient? Management { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestService> StartAsync(
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        IDictionary<string, string?>? settings = null)
    {
        var builder = ServiceHost.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eureka:Instance:AppName"] = "test-service",
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
        var management = app.Services.GetRequiredService<ManagementPort>();
        var address = app.Urls.First(u => !management.Enabled || !u.EndsWith($":{management.Port}", StringComparison.Ordinal));
        return new TestService(app, new HttpClient { BaseAddress = new Uri(address) },
            management.Url is { } url ? new HttpClient { BaseAddress = url } : null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Management?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
