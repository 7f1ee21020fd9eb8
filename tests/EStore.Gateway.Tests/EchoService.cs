using System.Net;
using System.Text;
using EStore.Platform.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EStore.Gateway.Tests;

/// <summary>
/// A tiny service in the test process, registered in Eureka as <c>echo-service</c> (or another app name),
/// that answers every request with the headers it received: what the gateway forwards, seen from the
/// service side, and its own port in <c>X-Echo-Port</c>. It never validates tokens, so a 401 on its route
/// can only come from the gateway.
/// </summary>
public sealed class EchoService : IAsyncDisposable
{
    public const string AppName = "echo-service";

    /// <summary>The response header naming the instance (its port).</summary>
    public const string PortHeader = "X-Echo-Port";

    private readonly WebApplication _app;
    private readonly string _appName;
    private Uri? _eureka;

    private EchoService(WebApplication app, string appName)
    {
        _app = app;
        _appName = appName;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What <c>/openapi/v1.json</c> answers; null: the echo of the request headers, like any path.</summary>
    public string? OpenApiDocument { get; set; }

    public int Port => BaseUrl.Port;

    public static async Task<EchoService> StartAsync(Uri eurekaServiceUrl, CancellationToken cancellationToken, string appName = AppName)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Response.Headers[PortHeader] = context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return next(context);
        });
        app.MapGet("/actuator/health", () => Results.Json(new { status = "UP" }));
        // Slower than the route's timeout in the fixture.
        app.Map("/api/echo-slow/{**path}", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), aborted);
            return Results.Ok();
        });
        var echo = new EchoService(app, appName);
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
        if (_eureka is not null)
        {
            // Out of the registry before the port closes, as a real service leaves.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(EurekaUrlCredentials.WithoutUserInfo(_eureka), $"apps/{_appName.ToUpperInvariant()}/{InstanceId}"));
                request.Headers.Authorization = EurekaUrlCredentials.GetAuthorization(_eureka);
                using var response = await http.SendAsync(request);
            }
            catch (HttpRequestException)
            {
                // Discovery is already gone: nothing to leave.
            }
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task RegisterAsync(Uri eurekaServiceUrl, CancellationToken cancellationToken)
    {
        var baseUrl = $"http://127.0.0.1:{BaseUrl.Port}";
        var instance = new EurekaInstance
        {
            InstanceId = InstanceId,
            AppName = _appName.ToUpperInvariant(),
            HostName = "127.0.0.1",
            IpAddress = "127.0.0.1",
            Port = BaseUrl.Port,
            VipAddress = _appName,
            HomePageUrl = baseUrl + "/",
            HealthCheckUrl = baseUrl + "/actuator/health",
            // Long lease: the test registers once and sends no heartbeats (the fixture raises discovery's limit).
            RenewalIntervalSeconds = 30,
            LeaseDurationSeconds = 600,
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // Discovery wants the credential from the URL's userinfo, which HttpClient would not send by itself.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(EurekaUrlCredentials.WithoutUserInfo(eurekaServiceUrl), $"apps/{instance.AppName}"))
        {
            Content = new StringContent(EurekaJson.SerializeInstanceDocument(instance), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = EurekaUrlCredentials.GetAuthorization(eurekaServiceUrl);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        _eureka = eurekaServiceUrl;
    }

    private string InstanceId => $"127.0.0.1:{_appName}:{BaseUrl.Port}";
}
