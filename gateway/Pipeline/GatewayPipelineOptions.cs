using EStore.Platform.Hosting;

namespace EStore.Gateway.Pipeline;

/// <summary>The edge settings of <c>Gateway:*</c>: body size, request timeout, CORS origins, socket scheduling, public reads, trusted proxies, HSTS.</summary>
public sealed class GatewayPipelineOptions : IValidatedOptions
{
    public const string Section = "Gateway";

    /// <summary>Largest accepted request body in bytes (routes may lower or raise it with <c>MaxRequestBodySize</c>).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Default timeout of a proxied request, in seconds (routes may set <c>Timeout</c>).</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    public CorsOptions Cors { get; set; } = new();

    /// <summary>Socket completions and Kestrel continuations run inline (<see cref="GatewayTransport"/>).</summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>Routes marked <c>PublicRead</c> (product, category and shop reads) need a token too.</summary>
    public bool RequireAuthForPublicReads { get; set; }

    /// <summary>
    /// Comma-separated addresses or CIDR networks of the proxies in front of the gateway (an ingress controller, a
    /// load balancer) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed; <c>none</c> (the default)
    /// believes nobody. Behind a proxy that is not listed, every client looks like the proxy: one rate-limit window
    /// for everybody.
    /// </summary>
    public string TrustedProxies { get; set; } = "none";

    /// <summary><c>Gateway:Hsts:*</c>: the Strict-Transport-Security answer to requests that came over TLS.</summary>
    public HstsSettings Hsts { get; set; } = new();

    /// <summary>The old name of <see cref="RequireAuthForPublicReads"/>: still set, it stops startup rather than open reads.</summary>
    public string? RequireAuthForCatalog { get; set; }

    public void Validate(OptionsCheck check)
    {
        check.AtLeast(MaxRequestBodyBytes, 1);
        check.Range(RequestTimeoutSeconds, 1, 600);
        NetworkList.Check(check, TrustedProxies, nameof(TrustedProxies));
        check.Range(Hsts.MaxAgeDays, 0, 730);
        check.Require(RequireAuthForCatalog is null, nameof(RequireAuthForCatalog), "was renamed Gateway:RequireAuthForPublicReads; set that key instead.");
    }

    public sealed class HstsSettings
    {
        /// <summary>How long browsers keep to HTTPS after a TLS answer, in days; 0 sends no header.</summary>
        public int MaxAgeDays { get; set; } = 365;

        /// <summary>Adds <c>includeSubDomains</c>: only when every subdomain serves HTTPS.</summary>
        public bool IncludeSubDomains { get; set; }
    }

    public sealed class CorsOptions
    {
        /// <summary>The default CORS policy's origins; none allows no cross-origin calls.</summary>
        public string[] AllowedOrigins { get; set; } = [];
    }
}
