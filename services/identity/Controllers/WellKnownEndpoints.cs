using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Platform.Security;

namespace EStore.Identity.Controllers;

/// <summary><c>/.well-known/jwks.json</c> and <c>/.well-known/openid-configuration</c>: how others check our tokens.</summary>
public static class WellKnownEndpoints
{
    public static IEndpointRouteBuilder MapWellKnownEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var wellKnown = endpoints.MapGroup("/.well-known").WithTags("Discovery");
        wellKnown.MapGet("/jwks.json", JwksAsync).Produces<JsonWebKeySetDto>();
        wellKnown.MapGet("/openid-configuration", OpenIdConfiguration).Produces<OpenIdConfigurationDto>();
        return endpoints;
    }

    private static async Task<IResult> JwksAsync(HttpContext http, SigningKeyStore keys, CancellationToken cancellationToken)
    {
        // Short: validators also refetch on an unknown kid, and a rotation should not wait on caches.
        http.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Json(await keys.GetJwksAsync(cancellationToken), contentType: "application/json");
    }

    private static IResult OpenIdConfiguration(JwtSettings jwt)
    {
        var issuer = jwt.Issuer.TrimEnd('/');
        return Results.Ok(new OpenIdConfigurationDto(
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
