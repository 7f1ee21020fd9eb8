using EStore.Platform.Security;
using Yarp.ReverseProxy.Transforms;

namespace EStore.Gateway.Security;

/// <summary>JWT enforcement at the edge and the identity headers the gateway forwards.</summary>
public static class GatewaySecurityExtensions
{
    /// <summary>The user id (<c>sub</c>) of the validated token.</summary>
    public const string UserIdHeader = "X-User-Id";
    /// <summary>The e-mail address of the validated token.</summary>
    public const string UserEmailHeader = "X-User-Email";
    /// <summary>The roles of the validated token, comma-separated.</summary>
    public const string UserRolesHeader = "X-User-Roles";

    /// <summary>Policy of product and inventory writes: <c>shop_owner</c> or <c>admin</c>.</summary>
    public const string ProductWriterPolicy = "product_writer";

    /// <summary>Headers only the gateway may set; whatever a client sends under these names is dropped.</summary>
    public static IReadOnlyList<string> IdentityHeaders { get; } = [UserIdHeader, UserEmailHeader, UserRolesHeader];

    /// <summary>
    /// Adds token validation (identity-service's JWKS through discovery, revocations from Kafka) and a
    /// proxy transform that replaces client-supplied identity headers by the validated identity.
    /// The original <c>Authorization</c> header is forwarded untouched, so services validate too.
    /// </summary>
    public static IReverseProxyBuilder AddGatewaySecurity(this IReverseProxyBuilder proxy, WebApplicationBuilder builder)
    {
        builder.AddServiceAuthentication();
        // Product writes: shop owners manage their own products (ownership checked by product-service), admins any.
        builder.Services.AddAuthorizationBuilder().AddPolicy(ProductWriterPolicy,
            policy => policy.RequireAuthenticatedUser().RequireRole(UserRoles.ShopOwner, UserRoles.Admin));
        return proxy.AddTransforms(context => context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            foreach (var name in IdentityHeaders)
            {
                headers.Remove(name);
            }
            if (CurrentUser.FromPrincipal(transform.HttpContext.User) is { } user)
            {
                headers.TryAddWithoutValidation(UserIdHeader, user.Id.ToString());
                if (user.Email is { Length: > 0 } email)
                {
                    headers.TryAddWithoutValidation(UserEmailHeader, email);
                }
                headers.TryAddWithoutValidation(UserRolesHeader, string.Join(',', user.Roles));
            }
            return ValueTask.CompletedTask;
        }));
    }
}
