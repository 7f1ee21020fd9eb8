using EStore.Platform.Health;
using EStore.Platform.Hosting;
using EStore.Platform.Kafka;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EStore.Platform.Security;

/// <summary>JWT validation and authorization policies for every EStore process.</summary>
public static class ServiceAuthenticationExtensions
{
    /// <summary>
    /// Adds JwtBearer authentication against identity-service's keys (RS256 only; <c>iss</c>, <c>aud</c>,
    /// <c>exp</c>/<c>nbf</c> with <c>Jwt:ClockSkewSeconds</c>; <c>typ</c> <c>at+jwt</c>; <c>sub</c> and <c>jti</c>
    /// required; revoked <c>jti</c>s refused), the policies <c>authenticated</c> (also the default),
    /// <c>admin</c> and <c>shop_owner</c>, <see cref="CurrentUser"/> and <see cref="ICurrentUserAccessor"/>,
    /// the <see cref="ITokenRevocationList"/> and, when <c>Kafka:BootstrapServers</c> is set, the listener
    /// that fills it from <c>TokenRevoked</c> events. Failures answer 401 with
    /// <c>WWW-Authenticate: Bearer error="invalid_token"</c> and a problem body; a wrong role answers 403.
    /// Keys come from <c>Jwt:JwksUrl</c>, by default <c>http://identity-service/.well-known/jwks.json</c> through discovery.
    /// </summary>
    /// <exception cref="StartupConfigurationException">A <c>Jwt:*</c> value is malformed.</exception>
    public static IHostApplicationBuilder AddServiceAuthentication(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(JwksSigningKeySource.HttpClientName, http =>
        {
            http.Timeout = TimeSpan.FromSeconds(10);
            http.MaxResponseContentBufferSize = 1024 * 1024;
        }).AddServiceDiscovery();
        builder.Services.TryAddSingleton<IJwtSigningKeySource, JwksSigningKeySource>();
        return AddCore(builder);
    }

    /// <summary>
    /// As <see cref="AddServiceAuthentication(IHostApplicationBuilder)"/>, with the signing keys taken from
    /// <typeparamref name="TKeySource"/> (registered as a singleton) instead of a JWKS address.
    /// identity-service uses this to validate against its own key table.
    /// </summary>
    public static IHostApplicationBuilder AddServiceAuthentication<TKeySource>(this IHostApplicationBuilder builder)
        where TKeySource : class, IJwtSigningKeySource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TKeySource>();
        builder.Services.AddSingleton<IJwtSigningKeySource>(sp => sp.GetRequiredService<TKeySource>());
        return AddCore(builder);
    }

    private static IHostApplicationBuilder AddCore(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(JwtSettings)))
        {
            throw new InvalidOperationException("AddServiceAuthentication may be called once per service.");
        }
        // Needed now: whether the revocation listener runs.
        var settings = builder.AddValidatedOptionsNow<JwtSettings>(JwtSettings.Section);
        services.TryAddSingleton(TimeProvider.System);
        ServiceIdentity.Of(builder);
        services.TryAddSingleton<ITokenRevocationList, TokenRevocationList>();
        services.AddHttpContextAccessor();
        services.TryAddSingleton<ICurrentUserAccessor, CurrentUserAccessor>();
        services.AddSingleton<ValidatedTokenCache>();
        services.AddSingleton<ServiceJwtBearerEvents>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // The management endpoints (platform Health) let admin tokens in on the application port.
        services.AddSingleton(new ManagementAuthentication(JwtBearerDefaults.AuthenticationScheme, UserRoles.Admin));
        // Configured from DI so the validators can use the key source and the clock.
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthorizationPolicies.Authenticated, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(AuthorizationPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(UserRoles.Admin))
            .AddPolicy(AuthorizationPolicies.ShopOwner, policy => policy.RequireAuthenticatedUser().RequireRole(UserRoles.ShopOwner))
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build());

        var kafka = builder.Configuration.GetValidatedOptions<KafkaOptions>(KafkaOptions.Section);
        if (settings.RevocationListenerEnabled && kafka.BootstrapServers is { } bootstrap)
        {
            services.AddSingleton(new KafkaConnection(bootstrap, kafka.ClientProperties));
            services.AddHostedService<TokenRevocationListener>();
        }
        return builder;
    }

    /// <summary>
    /// The validation rules of EStore access tokens (RFC 8725): RS256 only, keys looked up by <c>kid</c>
    /// in <paramref name="keys"/> (never from <c>jku</c>, <c>x5u</c> or an embedded <c>jwk</c>),
    /// issuer, audience, <c>typ</c> and lifetime against <paramref name="time"/>.
    /// </summary>
    public static TokenValidationParameters CreateValidationParameters(JwtSettings settings, IJwtSigningKeySource keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        var skew = settings.ClockSkew;
        return new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            RequireAudience = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = [TokenClaims.AccessTokenType],
            ClockSkew = skew,
            NameClaimType = TokenClaims.Subject,
            RoleClaimType = TokenClaims.Role,
            // Only keys that the source knows, by kid; a token without kid matches nothing.
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = (_, _, kid, _) => keys.Current.TryGet(kid, out var key) ? [key] : [],
            // The handler would read DateTime.UtcNow; the injected clock keeps tests and production alike.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } exp
                    && now <= exp.ToUniversalTime() + skew
                    && (notBefore is not { } nbf || now + skew >= nbf.ToUniversalTime());
            },
        };
    }

    private sealed class ConfigureJwtBearer(JwtSettings settings, IJwtSigningKeySource keys, TimeProvider time, ValidatedTokenCache validated, ServiceJwtBearerEvents events)
        : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }
            options.MapInboundClaims = false;
            options.IncludeErrorDetails = false;
            options.SaveToken = false;
            options.RequireHttpsMetadata = false;
            options.RefreshOnIssuerKeyNotFound = false;
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(validated.Enabled
                ? new CachingTokenHandler(validated, keys) { MapInboundClaims = false }
                : new JsonWebTokenHandler { MapInboundClaims = false });
            options.TokenValidationParameters = CreateValidationParameters(settings, keys, time);
            options.Events = events;
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
    }
}
