using System.Buffers;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.HttpOverrides;

namespace EStore.Gateway.Pipeline;

/// <summary>Edge concerns around the proxy: correlation id, body size, timeouts, CORS.</summary>
public static class GatewayPipelineExtensions
{
    /// <summary>The correlation header: generated when absent, returned to the client, forwarded to services.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    private static readonly SearchValues<char> RequestIdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public static WebApplicationBuilder AddGatewayPipeline(this WebApplicationBuilder builder)
    {
        // Needed now: Kestrel's limit and the timeout policy are set while services are registered.
        var options = builder.AddValidatedOptionsNow<GatewayPipelineOptions>(GatewayPipelineOptions.Section);
        // Kestrel enforces the limit on chunked bodies too; routes can override per request.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });

        // The client of a request behind trusted proxies is the last address they did not add themselves; anybody
        // else's X-Forwarded-For is ignored, so a caller cannot pick a fresh rate-limit window per request.
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = null;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in NetworkList.Parse(options.TrustedProxies))
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });

        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(options.Hsts.MaxAgeDays);
            hsts.IncludeSubDomains = options.Hsts.IncludeSubDomains;
        });

        var origins = options.Cors.AllowedOrigins;
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders(RequestIdHeader, "Retry-After", "Location");
            }
        }));
        return builder;
    }

    /// <summary>First in the pipeline, so that even error answers carry the correlation id.</summary>
    public static WebApplication UseRequestId(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var supplied = http.Request.Headers[RequestIdHeader];
            // Accept a client's id only when it is short and plain: it lands in logs and downstream headers.
            var id = supplied.Count == 1 && supplied[0] is { Length: > 0 and <= 128 } value && !value.AsSpan().ContainsAnyExcept(RequestIdChars)
                ? value
                : NewRequestId();
            http.Request.Headers[RequestIdHeader] = id;
            // Set when the answer starts, so that answers whose headers were cleared (errors) carry it too.
            http.Response.OnStarting(ReturnRequestId, http);
            return next(http);
        });
        return app;
    }

    private static Task ReturnRequestId(object state)
    {
        var http = (HttpContext)state;
        http.Response.Headers[RequestIdHeader] = http.Request.Headers[RequestIdHeader];
        return Task.CompletedTask;
    }

    // 128 random bits as 32 hex digits, like a GUID's "N" form. An id only has to be unique, not secret:
    // Guid.NewGuid reads the kernel's secure random source with a system call on every request.
    private static string NewRequestId()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexStringLower(bits);
    }

    /// <summary>
    /// The client's address and scheme as trusted proxies name them, then HSTS on answers to requests that came over
    /// TLS (directly or at a trusted proxy that terminated it): early, so every answer after it knows both.
    /// </summary>
    public static WebApplication UseGatewayClientOrigin(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0)
        {
            // Before anything reads the client's address: the rate limits, and YARP's own X-Forwarded-For.
            app.UseForwardedHeaders();
        }
        // ASP.NET Core's HSTS answers only requests that are HTTPS and never for localhost, 127.0.0.1 or [::1].
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayPipelineOptions>>().Value.Hsts.MaxAgeDays > 0)
        {
            app.UseHsts();
        }
        return app;
    }

    /// <summary>Routing, CORS, authentication, rate limits, authorization and timeouts, in that order.</summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        // After authentication so the per-user limiter knows the user; before authorization so that
        // floods of bad tokens are limited too.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRequestTimeouts();
        app.Use(TimedOutIs504);
        app.Use(RejectOversizedBodies);
        return app;
    }

    // YARP 2.1 reported a request cancelled by the timeout middleware as a client cancellation (400); 2.3 still does
    // at times (seen in Route_timeout_answers_504_problem_when_the_service_is_too_slow without this):
    // when our timeout fired and nothing was sent yet, answer 504 with a problem body instead.
    private static async Task TimedOutIs504(HttpContext http, RequestDelegate next)
    {
        await next(http);
        if (http.Features.Get<IHttpRequestTimeoutFeature>() is { RequestTimeoutToken.IsCancellationRequested: true }
            && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await GatewayProblems.WriteAsync(http, StatusCodes.Status504GatewayTimeout, "The service did not answer in time.");
        }
    }

    // A declared Content-Length over the limit is answered at once with a problem body instead of
    // failing half-way through the upload.
    private static Task RejectOversizedBodies(HttpContext http, RequestDelegate next)
    {
        var limit = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return http.Request.ContentLength is { } length && limit is { } max && length > max
            ? GatewayProblems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "The request body is too large.")
            : next(http);
    }

}
