using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EStore.Identity.Services;

/// <summary>One fixed window: <c>PermitLimit</c> requests per <c>WindowSeconds</c> and client.</summary>
public sealed class RateWindow
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// <c>Identity:RateLimits:*</c>: identity-service's own per-client limits on the credential endpoints, so that
/// calling it on its own port, past the gateway, is limited too. The client is the connection's remote address;
/// <c>X-Forwarded-For</c> is believed only from <c>TrustedProxies</c> (the gateway), and then only its last
/// entry, the one the gateway wrote.
/// </summary>
public sealed class IdentityRateLimitOptions : IValidatedOptions
{
    public const string SectionName = "Identity:RateLimits";

    public RateWindow Login { get; set; } = new() { PermitLimit = 30 };
    public RateWindow Register { get; set; } = new() { PermitLimit = 20 };
    public RateWindow ForgotPassword { get; set; } = new() { PermitLimit = 10 };
    public RateWindow ResetPassword { get; set; } = new() { PermitLimit = 20 };
    public RateWindow ResendVerification { get; set; } = new() { PermitLimit = 10 };

    /// <summary>
    /// Comma-separated addresses or CIDR networks whose <c>X-Forwarded-For</c> is believed: the gateway's. Default
    /// loopback, where <c>./estore up</c> runs the gateway; <c>none</c> believes nobody.
    /// </summary>
    public string TrustedProxies { get; set; } = "127.0.0.1,::1";

    internal IReadOnlyList<string> TrustedProxyList => NetworkList.Entries(TrustedProxies);

    internal IEnumerable<(string Name, RateWindow Window)> Windows =>
    [
        (nameof(Login), Login), (nameof(Register), Register), (nameof(ForgotPassword), ForgotPassword),
        (nameof(ResetPassword), ResetPassword), (nameof(ResendVerification), ResendVerification),
    ];

    public void Validate(OptionsCheck check)
    {
        foreach (var (policy, window) in Windows)
        {
            check.Range(window.PermitLimit, 1, 1_000_000, $"{policy}:{nameof(RateWindow.PermitLimit)}");
            check.Range(window.WindowSeconds, 1, 86_400, $"{policy}:{nameof(RateWindow.WindowSeconds)}");
        }
        NetworkList.Check(check, TrustedProxies, nameof(TrustedProxies));
    }
}

/// <summary>Registers the limiter and names the policies the endpoints use.</summary>
public static class IdentityRateLimits
{
    public const string Login = "identity-login";
    public const string Register = "identity-register";
    public const string ForgotPassword = "identity-forgot-password";
    public const string ResetPassword = "identity-reset-password";
    public const string ResendVerification = "identity-resend-verification";

    public static WebApplicationBuilder AddIdentityRateLimits(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<IdentityRateLimitOptions>(IdentityRateLimitOptions.SectionName);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            Add(limiter, Login, o => o.Login);
            Add(limiter, Register, o => o.Register);
            Add(limiter, ForgotPassword, o => o.ForgotPassword);
            Add(limiter, ResetPassword, o => o.ResetPassword);
            Add(limiter, ResendVerification, o => o.ResendVerification);
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 1;
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Results.Problem("Too many requests; retry after the time in the Retry-After header.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
            };
        });
        return builder;
    }

    private static void Add(RateLimiterOptions limiter, string policy, Func<IdentityRateLimitOptions, RateWindow> window) =>
        limiter.AddPolicy(policy, http =>
        {
            var options = http.RequestServices.GetRequiredService<IOptions<IdentityRateLimitOptions>>().Value;
            var chosen = window(options);
            return RateLimitPartition.GetFixedWindowLimiter(ClientKey(http, options), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = chosen.PermitLimit,
                Window = TimeSpan.FromSeconds(chosen.WindowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });

    /// <summary>
    /// The client a request is counted against: the remote address; for a trusted proxy (the gateway), the last
    /// <c>X-Forwarded-For</c> entry, which the proxy itself wrote. Anybody else's <c>X-Forwarded-For</c> is ignored,
    /// so a direct caller cannot pick a fresh key per request.
    /// </summary>
    public static string ClientKey(HttpContext http, IdentityRateLimitOptions options)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return "unknown";
        }
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }
        var trusted = options.TrustedProxyList.Any(p => NetworkList.ParseOne(p) is { } network && network.Contains(remote));
        if (trusted && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim();
            if (IPAddress.TryParse(last, out var client))
            {
                return "fwd:" + AddressKey(client);
            }
        }
        return AddressKey(remote);
    }

    /// <summary>
    /// An IPv4 address as it is; an IPv6 address as its /64 network (<c>2001:db8:1:2::/64</c>): a client normally
    /// holds a whole /64 and could otherwise take a fresh address, and so a fresh limit, per request.
    /// </summary>
    internal static string AddressKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }
}
