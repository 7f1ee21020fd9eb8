using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Identity.Apis;

/// <summary><c>/.well-known/jwks.json</c> and <c>/.well-known/openid-configuration</c>: how others check our tokens.</summary>
public static class WellKnownApi
{
    public static IEndpointRouteBuilder MapWellKnownApi(this IEndpointRouteBuilder endpoints)
    {
        var wellKnown = endpoints.MapGroup("/.well-known").WithTags("Discovery");
        wellKnown.MapGet("/jwks.json", JwksAsync);
        wellKnown.MapGet("/openid-configuration", OpenIdConfiguration);
        return endpoints;
    }

    private static async Task<JsonHttpResult<JsonWebKeySetDto>> JwksAsync(HttpContext http, SigningKeyStore keys, CancellationToken cancellationToken)
    {
        // Short: validators also refetch on an unknown kid, and a rotation should not wait on caches.
        http.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Json(await keys.GetJwksAsync(cancellationToken), contentType: "application/json");
    }

    private static Ok<OpenIdConfigurationDto> OpenIdConfiguration(JwtSettings jwt)
    {
        var issuer = jwt.Issuer.TrimEnd('/');
        return TypedResults.Ok(new OpenIdConfigurationDto(
            jwt.Issuer,
            issuer + "/.well-known/jwks.json",
            issuer + "/api/auth/login",
            ["password", "refresh_token"],
            ["token"],
            ["public"],
            [TokenClaims.Algorithm],
            ["none"],
            [TokenClaims.Subject, TokenClaims.Email, TokenClaims.EmailVerified, TokenClaims.Role, TokenClaims.TokenId, TokenClaims.SessionId, "iss", "aud", "iat", "nbf", "exp"]));
    }
}
