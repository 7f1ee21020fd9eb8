using System.Globalization;
using System.Threading.RateLimiting;
using EStore.Gateway.Pipeline;
using EStore.Platform.Hosting;
using EStore.Platform.Security;

namespace EStore.Gateway.Routing;

/// <summary>
/// ASP.NET Core rate limiting for the proxy routes: a strict per-client-IP window for credential
/// endpoints (login, register, forgot-password: brute force and account enumeration) and a
/// per-user window everywhere else (anonymous callers are partitioned by IP). Rejections answer
/// 429 with <c>Retry-After</c> and the problem body.
/// </summary>
public static class GatewayRateLimits
{
    /// <summary>Policy name for credential endpoints, set as a route's <c>RateLimiterPolicy</c>.</summary>
    public const string PerIpStrictPolicy = "per-ip-strict";

    /// <summary>Policy name for everything else (the default of every route).</summary>
    public const string PerUserPolicy = "per-user";

    public static WebApplicationBuilder AddGatewayRateLimits(this WebApplicationBuilder builder)
    {
        var limits = builder.AddValidatedOptionsNow<GatewayRateLimitOptions>(GatewayRateLimitOptions.Section);
        var strict = limits.Strict;
        var perUser = limits.PerUser;
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Keyed by route too, so a burst of logins does not also lock the caller out of register.
            options.AddPolicy(PerIpStrictPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                $"{ClientIp(http)}|{http.GetEndpoint()?.DisplayName}", _ => strict.ToOptions()));
            // A user's key is the token's subject as it stands (a GUID, checked by the token validation; it never
            // looks like an "ip:" key): read per request, so no formatting and no CurrentUser.
            options.AddPolicy(PerUserPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(TokenClaims.Subject)?.Value is { Length: > 0 } subject
                    ? subject
                    : "ip:" + ClientIp(http),
                _ => perUser.ToOptions()));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    "Too many requests; retry after the time in the Retry-After header.");
            };
        });
        return builder;
    }

    private static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
