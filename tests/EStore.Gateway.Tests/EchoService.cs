using System.Net;
using System.Text;
using EStore.Platform.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EStore.Gateway.Tests;

/// <summary>
/// A tiny service in the test process, registered in Eureka as <c>echo-service</c>, that answers every
/// request with the headers it received: what the gateway forwards, seen from the service side. It never
/// validates tokens, so a 401 on its route can only come from the gateway.
/// </summary>
public sealed class EchoService : IAsyncDisposable
{
    public const string AppName = "echo-service";

    private readonly WebApplication _app;

    private EchoService(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What <c>/openapi/v1.json</c> answers; null: the echo of the request headers, like any path.</summary>
    public string? OpenApiDocument { get; set; }

    public static async Task<EchoService> StartAsync(Uri eurekaServiceUrl, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/actuator/health", () => Results.Json(new { status = "UP" }));
        // Slower than the route's timeout in the fixture.
        app.Map("/api/echo-slow/{**path}", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), aborted);
            return Results.Ok();
        });
        var echo = new EchoService(app);
        // The OpenAPI document a test chose, else the echo like every other path.
        app.MapGet("/openapi/v1.json", (HttpRequest request) => echo.OpenApiDocument is { } document
            ? Results.Text(document, "application/json")
            : Headers(request));
        app.Map("/{**path}", Headers);
        await app.StartAsync(cancellationToken);
        echo.BaseUrl = new Uri(app.Urls.First());
        await echo.RegisterAsync(eurekaServiceUrl, cancellationToken);
        return echo;
    }

    private static IResult Headers(HttpRequest request) => Results.Json(
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task RegisterAsync(Uri eurekaServiceUrl, CancellationToken cancellationToken)
    {
        var baseUrl = $"http://127.0.0.1:{BaseUrl.Port}";
        var instance = new EurekaInstance
        {
            InstanceId = $"127.0.0.1:{AppName}:{BaseUrl.Port}",
            AppName = AppName.ToUpperInvariant(),
            HostName = "127.0.0.1",
            IpAddress = "127.0.0.1",
            Port = BaseUrl.Port,
            VipAddress = AppName,
            HomePageUrl = baseUrl + "/",
            HealthCheckUrl = baseUrl + "/actuator/health",
            // Long lease: the test registers once and sends no heartbeats.
            RenewalIntervalSeconds = 30,
            LeaseDurationSeconds = 600,
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var content = new StringContent(EurekaJson.SerializeInstanceDocument(instance), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(eurekaServiceUrl, $"apps/{instance.AppName}"), content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
