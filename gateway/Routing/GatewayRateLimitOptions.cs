using System.Threading.RateLimiting;
using EStore.Platform.Hosting;

namespace EStore.Gateway.Routing;

/// <summary><c>Gateway:RateLimits:*</c>: the fixed windows of the gateway's two rate-limit policies.</summary>
public sealed class GatewayRateLimitOptions : IValidatedOptions
{
    public const string Section = "Gateway:RateLimits";

    /// <summary>Per client IP and route on the credential endpoints.</summary>
    public RateWindow Strict { get; set; } = new() { PermitLimit = 10 };

    /// <summary>Per user (anonymous callers per IP) everywhere else.</summary>
    public RateWindow PerUser { get; set; } = new() { PermitLimit = 600 };

    public void Validate(OptionsCheck check)
    {
        check.AtLeast(Strict.PermitLimit, 1);
        check.AtLeast(Strict.WindowSeconds, 1);
        check.AtLeast(PerUser.PermitLimit, 1);
        check.AtLeast(PerUser.WindowSeconds, 1);
    }

    /// <summary>One fixed window: <c>PermitLimit</c> requests per <c>WindowSeconds</c>.</summary>
    public sealed class RateWindow
    {
        public int PermitLimit { get; set; }

        public int WindowSeconds { get; set; } = 60;

        public FixedWindowRateLimiterOptions ToOptions() => new()
        {
            PermitLimit = PermitLimit,
            Window = TimeSpan.FromSeconds(WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
