using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Platform.Observability;

/// <summary>
/// Fills in the ASP.NET Core request span, which .NET 10 leaves almost empty without the
/// OpenTelemetry instrumentation package: the name <c>{METHOD} {route}</c>, <c>http.route</c>,
/// <c>http.response.status_code</c>, the caller's address, and error status for 5xx and exceptions.
/// </summary>
internal sealed class ServerSpanMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        // Only spans that will be exported are worth the tags (with tracing off, ASP.NET Core still
        // makes an unrecorded activity for its logs).
        if (activity is null || !activity.IsAllDataRequested || !activity.Recorded)
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            Enrich(context, activity, StatusCodes.Status500InternalServerError, ex);
            throw;
        }
        var status = context.Response.StatusCode;
        // An exception the handler turned into a 4xx is the caller's error, not ours.
        var handled = status >= StatusCodes.Status500InternalServerError ? context.Features.Get<IExceptionHandlerFeature>()?.Error : null;
        Enrich(context, activity, status, handled);
    }

    private static void Enrich(HttpContext context, Activity activity, int status, Exception? exception)
    {
        var request = context.Request;
        // The exception handler clears the endpoint before re-executing; its feature keeps the original.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        if (route is not null)
        {
            activity.SetTag("http.route", route);
        }
        activity.SetTag("http.response.status_code", status);
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            activity.SetTag("network.peer.address", remote.ToString());
            activity.SetTag("network.peer.port", context.Connection.RemotePort);
        }
        if (exception is not null)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.AddException(exception);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
        else if (status >= StatusCodes.Status500InternalServerError)
        {
            activity.SetTag("error.type", status.ToString(CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

/// <summary>
/// Puts <see cref="ServerSpanMiddleware"/> first in the pipeline, and starts the tracer and the
/// metric listener before the server takes its first request.
/// </summary>
internal sealed class ObservabilityStartupFilter(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        services.GetRequiredService<TracingRuntime>();
        services.GetRequiredService<MetricsRegistry>();
        return app =>
        {
            app.UseMiddleware<ServerSpanMiddleware>();
            next(app);
        };
    }
}
