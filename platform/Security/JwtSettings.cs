using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Security;

/// <summary>
/// How every EStore process validates access tokens, read from <c>Jwt:*</c>. The defaults work for
/// the local mesh without configuration: identity-service issues for the same issuer and audience.
/// </summary>
public sealed record JwtSettings
{
    /// <summary>Configuration key of the expected <c>iss</c>.</summary>
    public const string IssuerKey = "Jwt:Issuer";
    /// <summary>Configuration key of the expected <c>aud</c>.</summary>
    public const string AudienceKey = "Jwt:Audience";
    /// <summary>Configuration key of an explicit JWKS address (default: identity-service through discovery).</summary>
    public const string JwksUrlKey = "Jwt:JwksUrl";
    /// <summary>Configuration key of the tolerated clock difference, in seconds.</summary>
    public const string ClockSkewKey = "Jwt:ClockSkewSeconds";
    /// <summary>Configuration key of how often known keys are fetched again, in seconds.</summary>
    public const string JwksRefreshKey = "Jwt:JwksRefreshSeconds";
    /// <summary>Configuration key of the shortest interval between two fetches caused by unknown <c>kid</c>s, in seconds.</summary>
    public const string JwksMinRefreshKey = "Jwt:JwksMinRefreshSeconds";
    /// <summary>Configuration key: how many validated tokens are remembered (0 checks every signature).</summary>
    public const string ValidatedTokenCacheKey = "Jwt:ValidatedTokenCacheSize";
    /// <summary>Configuration key: how long a trusted signing key may be missing from fetched key sets before it is retired, in seconds.</summary>
    public const string KeyRetirementGraceKey = "Jwt:KeyRetirementGraceSeconds";
    /// <summary>Configuration key that turns the <c>TokenRevoked</c> listener off (default on when Kafka is configured).</summary>
    public const string RevocationListenerKey = "Jwt:Revocation:Enabled";

    /// <summary>The default issuer: identity-service's app name as a URL.</summary>
    public const string DefaultIssuer = "http://identity-service";
    /// <summary>The default audience: the whole EStore API.</summary>
    public const string DefaultAudience = "estore";
    /// <summary>Where the JWKS is fetched from when <see cref="JwksUrlKey"/> is not set (resolved through discovery).</summary>
    public const string DefaultJwksUrl = "http://identity-service/.well-known/jwks.json";

    /// <summary>The expected <c>iss</c>.</summary>
    public string Issuer { get; init; } = DefaultIssuer;
    /// <summary>The expected <c>aud</c>.</summary>
    public string Audience { get; init; } = DefaultAudience;
    /// <summary>Where the signing keys come from.</summary>
    public Uri JwksUrl { get; init; } = new(DefaultJwksUrl);
    /// <summary>Tolerated clock difference on <c>exp</c> and <c>nbf</c> (default 30 s, at most 60 s).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Age after which known keys are fetched again in the background (default 5 min).</summary>
    public TimeSpan JwksRefreshInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Shortest interval between fetches triggered by an unknown <c>kid</c> (default 30 s).</summary>
    public TimeSpan JwksMinRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long a trusted key may be missing from the fetched key sets before it is retired (default 15 min, the
    /// lifetime of an access token; 60 s to 1 day). One bad fetch cannot drop every key; a key identity-service
    /// really withdrew stops working after this long.
    /// </summary>
    public TimeSpan KeyRetirementGrace { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>Validated tokens remembered so their signature is not checked again (default 4096, 0 = off).</summary>
    public int ValidatedTokenCacheSize { get; init; } = 4096;
    /// <summary>Whether revocations are read from <c>identity.events</c> (needs <c>Kafka:BootstrapServers</c>).</summary>
    public bool RevocationListenerEnabled { get; init; } = true;

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="StartupConfigurationException">A value is malformed.</exception>
    public static JwtSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new JwtSettings
        {
            Issuer = ReadText(configuration, IssuerKey, DefaultIssuer),
            Audience = ReadText(configuration, AudienceKey, DefaultAudience),
            JwksUrl = ReadUrl(configuration, JwksUrlKey, DefaultJwksUrl),
            ClockSkew = TimeSpan.FromSeconds(SettingValues.Int(configuration, ClockSkewKey, 30, 0, 60)),
            JwksRefreshInterval = TimeSpan.FromSeconds(SettingValues.Int(configuration, JwksRefreshKey, 300, 10, 86_400)),
            JwksMinRefreshInterval = TimeSpan.FromSeconds(SettingValues.Int(configuration, JwksMinRefreshKey, 30, 0, 3_600)),
            KeyRetirementGrace = TimeSpan.FromSeconds(SettingValues.Int(configuration, KeyRetirementGraceKey, 900, 60, 86_400)),
            RevocationListenerEnabled = SettingValues.Bool(configuration, RevocationListenerKey, true),
            ValidatedTokenCacheSize = SettingValues.Int(configuration, ValidatedTokenCacheKey, 4096, 0, 1_000_000),
        };
        return settings;
    }

    private static string ReadText(IConfiguration configuration, string key, string fallback)
    {
        var text = configuration[key];
        return string.IsNullOrWhiteSpace(text) ? fallback : text.Trim();
    }

    private static Uri ReadUrl(IConfiguration configuration, string key, string fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Uri(fallback);
        }
        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new StartupConfigurationException(key, $"'{text}' is not an absolute http(s) URL.");
    }
}
