using EStore.Platform.Hosting;

namespace EStore.Platform.Security;

/// <summary>
/// How every EStore process validates access tokens, read from <c>Jwt:*</c>. The defaults work for
/// the local mesh without configuration: identity-service issues for the same issuer and audience.
/// </summary>
public sealed class JwtSettings : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Jwt";

    /// <summary>Configuration key of an explicit JWKS address (default: identity-service through discovery).</summary>
    public const string JwksUrlKey = "Jwt:JwksUrl";
    /// <summary>Configuration key of the tolerated clock difference, in seconds.</summary>
    public const string ClockSkewKey = "Jwt:ClockSkewSeconds";
    /// <summary>Configuration key: how long a trusted signing key may be missing from fetched key sets before it is retired, in seconds.</summary>
    public const string KeyRetirementGraceKey = "Jwt:KeyRetirementGraceSeconds";

    /// <summary>The default issuer: identity-service's app name as a URL.</summary>
    public const string DefaultIssuer = "http://identity-service";
    /// <summary>The default audience: the whole EStore API.</summary>
    public const string DefaultAudience = "estore";
    /// <summary>Where the JWKS is fetched from when <see cref="JwksUrlKey"/> is not set (resolved through discovery).</summary>
    public const string DefaultJwksUrl = "http://identity-service/.well-known/jwks.json";

    /// <summary>The expected <c>iss</c>.</summary>
    public string Issuer { get; set; } = DefaultIssuer;
    /// <summary>The expected <c>aud</c>.</summary>
    public string Audience { get; set; } = DefaultAudience;
    /// <summary>Where the signing keys come from.</summary>
    public Uri JwksUrl { get; set; } = new(DefaultJwksUrl);
    /// <summary>Tolerated clock difference on <c>exp</c> and <c>nbf</c>, in seconds (default 30, at most 60).</summary>
    public int ClockSkewSeconds { get; set; } = 30;
    /// <summary>Age after which known keys are fetched again in the background, in seconds (default 300).</summary>
    public int JwksRefreshSeconds { get; set; } = 300;
    /// <summary>Shortest interval between fetches triggered by an unknown <c>kid</c>, in seconds (default 30).</summary>
    public int JwksMinRefreshSeconds { get; set; } = 30;
    /// <summary>
    /// How long a trusted key may be missing from the fetched key sets before it is retired, in seconds (default 900,
    /// the lifetime of an access token; 60 to 86400). One bad fetch cannot drop every key; a key identity-service
    /// really withdrew stops working after this long.
    /// </summary>
    public int KeyRetirementGraceSeconds { get; set; } = 900;
    /// <summary>Validated tokens remembered so their signature is not checked again (default 4096, 0 = off).</summary>
    public int ValidatedTokenCacheSize { get; set; } = 4096;
    /// <summary><c>Jwt:Revocation:*</c>.</summary>
    public RevocationOptions Revocation { get; set; } = new();

    /// <summary><see cref="ClockSkewSeconds"/> as a duration.</summary>
    public TimeSpan ClockSkew => TimeSpan.FromSeconds(ClockSkewSeconds);
    /// <summary><see cref="JwksRefreshSeconds"/> as a duration.</summary>
    public TimeSpan JwksRefreshInterval => TimeSpan.FromSeconds(JwksRefreshSeconds);
    /// <summary><see cref="JwksMinRefreshSeconds"/> as a duration.</summary>
    public TimeSpan JwksMinRefreshInterval => TimeSpan.FromSeconds(JwksMinRefreshSeconds);
    /// <summary><see cref="KeyRetirementGraceSeconds"/> as a duration.</summary>
    public TimeSpan KeyRetirementGrace => TimeSpan.FromSeconds(KeyRetirementGraceSeconds);
    /// <summary>Whether revocations are read from <c>identity.events</c> (needs <c>Kafka:BootstrapServers</c>).</summary>
    public bool RevocationListenerEnabled => Revocation.Enabled;

    /// <inheritdoc/>
    public void Validate(OptionsCheck check)
    {
        check.HttpUrl(JwksUrl);
        check.Range(ClockSkewSeconds, 0, 60);
        check.Range(JwksRefreshSeconds, 10, 86_400);
        check.Range(JwksMinRefreshSeconds, 0, 3_600);
        check.Range(KeyRetirementGraceSeconds, 60, 86_400);
        check.Range(ValidatedTokenCacheSize, 0, 1_000_000);
    }

    /// <summary>The <c>TokenRevoked</c> listener's switch.</summary>
    public sealed class RevocationOptions
    {
        /// <summary>Whether the listener runs (default true, when Kafka is configured).</summary>
        public bool Enabled { get; set; } = true;
    }
}
