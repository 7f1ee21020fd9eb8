using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace EStore.Platform.Hosting;

/// <summary>
/// The response headers every EStore answer carries: <c>X-Content-Type-Options: nosniff</c>,
/// <c>Referrer-Policy: no-referrer</c>, <c>X-Frame-Options: DENY</c> and a Content-Security-Policy
/// (<see cref="ApiPolicy"/> for data, <see cref="HtmlPolicy"/> for HTML pages). Kestrel's <c>Server</c> header is
/// turned off by <c>AddServiceDefaults</c> (EStore.ServiceDefaults).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// CSP of everything but HTML: nothing may load, nothing may frame it. A JSON body opened in a browser
    /// (or an error page echoing input) then runs nothing.
    /// </summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// CSP of HTML pages (discovery dashboard, the gateway's Swagger UI): scripts, styles, images and calls from
    /// the same origin only, no inline or evaluated script. Inline styles stay allowed: Swagger UI sets style
    /// attributes from its script and the dashboard has one style block; neither can run code.
    /// </summary>
    public const string HtmlPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues NoReferrer = "no-referrer";
    private static readonly StringValues Deny = "DENY";
    private static readonly StringValues Api = ApiPolicy;
    private static readonly StringValues Html = HtmlPolicy;

    /// <summary>
    /// Sets the headers on every answer when it starts: after a proxied answer's headers were copied, so that
    /// the gateway's values replace the service's instead of doubling them, and after error handlers cleared
    /// the headers. Four header writes per request, with values allocated once.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(static (http, next) =>
        {
            http.Response.OnStarting(Apply, http);
            return next(http);
        });
    }

    private static Task Apply(object state)
    {
        var headers = ((HttpContext)state).Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = NoReferrer;
        headers.XFrameOptions = Deny;
        headers.ContentSecurityPolicy = IsHtml(headers.ContentType) ? Html : Api;
        return Task.CompletedTask;
    }

    private static bool IsHtml(StringValues contentType) =>
        contentType.Count > 0 && contentType[0] is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
}
