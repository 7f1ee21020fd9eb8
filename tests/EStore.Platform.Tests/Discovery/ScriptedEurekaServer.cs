using System.Collections.Concurrent;
using EStore.Platform.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Tests.Discovery;

/// <summary>
/// A Eureka endpoint on 127.0.0.1:0 whose answers the test scripts and whose requests it
/// records, to drive the client through cases a real server rarely produces (hash mismatches,
/// a sudden empty registry). The real server is exercised by the end-to-end tests.
/// Kept on Kestrel rather than WireMock.Net: it records each request as it arrives and can hold a registration's
/// answer back after recording it, which WireMock (it logs a request once answered) would need a callback on every
/// route for; that would not be shorter.
/// </summary>
internal sealed class ScriptedEurekaServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedEurekaServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<EurekaInstance> Registrations { get; } = new();

    /// <summary>The <c>Authorization</c> header of every request ("" when absent).</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public List<EurekaInstance> FullRegistry { get; set; } = [];

    /// <summary>How long a registration's answer is held back after the registration was recorded.</summary>
    public TimeSpan RegistrationAnswerDelay { get; set; }

    public List<EurekaInstance> Delta { get; set; } = [];

    /// <summary>The hash code the delta claims; null for the true hash of the full registry.</summary>
    public string? DeltaHashCode { get; set; }

    public string ServiceUrl => _app.Urls.Single() + "/eureka/";

    public int Count(string requestPrefix) => Requests.Count(r => r.StartsWith(requestPrefix, StringComparison.Ordinal));

    public static async Task<ScriptedEurekaServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedEurekaServer(app);
        app.Use(async (context, next) =>
        {
            server.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
            server.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            await next(context);
        });
        app.MapGet("/eureka/apps/", () => Document(server.FullRegistry, EurekaJson.ReconcileHashCode(server.FullRegistry)));
        app.MapGet("/eureka/apps/delta", () => Document(server.Delta, server.DeltaHashCode ?? EurekaJson.ReconcileHashCode(server.FullRegistry)));
        app.MapPost("/eureka/apps/{app}", async (HttpContext context) =>
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
            server.Registrations.Enqueue(EurekaJson.ParseInstance(body.RootElement.GetProperty("instance")));
            await Task.Delay(server.RegistrationAnswerDelay);
            return Results.NoContent();
        });
        app.MapPut("/eureka/apps/{app}/{id}", () => Results.Ok());
        app.MapDelete("/eureka/apps/{app}/{id}", () => Results.Ok());
        await app.StartAsync();
        return server;
    }

    private static IResult Document(IEnumerable<EurekaInstance> instances, string hashCode) =>
        Results.Text(EurekaJson.SerializeApplications(instances, "1", hashCode), "application/json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
