using EStore.Cart.Dtos;
using EStore.Cart.Services;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Cart.Apis;

/// <summary>
/// <c>/api/carts</c>: a signed-in user's named carts and their lines; <c>/api/carts/guest</c>: an anonymous shopper's
/// cart, reached with the token in <see cref="TokenHeader"/>; <c>/api/carts/merge</c> moves it into the user's default cart.
/// </summary>
public static class CartApi
{
    /// <summary>The header that carries a guest cart's token (answered by <c>POST /api/carts/guest</c>).</summary>
    public const string TokenHeader = "X-Cart-Token";

    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/carts").WithTags("Cart")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapGet("", async (Guid? userId, CurrentUser caller, CartService carts, CancellationToken ct) => (await carts.ListAsync(caller, userId, ct)).ToOk());
        group.MapPost("", CreateAsync);
        group.MapPost("/merge", async (CurrentUser caller, HttpContext http, CartService carts, CancellationToken ct) =>
            (await carts.MergeAsync(caller, GuestToken(http), ct)).ToOk());

        // Another user's cart answers 404 like a missing one; an administrator may read it (403 on a change).
        var owned = group.MapGroup("/{id:guid}");
        owned.MapPut("", async (Guid id, CurrentUser caller, CartRequest request, CartService carts, CancellationToken ct) =>
            (await carts.RenameAsync(caller, id, request, ct)).ToOk());
        owned.MapDelete("", async (Guid id, CurrentUser caller, CartService carts, CancellationToken ct) =>
            (await carts.DeleteAsync(caller, id, ct)).ToNoContent());
        MapCart(owned, http => new UserCartKey(CurrentUser.FromPrincipal(http.User)!, Guid.Parse((string)http.Request.RouteValues["id"]!)));

        // Anonymous at the gateway too (rate limited there); the token alone finds the cart.
        var guest = endpoints.MapGroup("/api/carts/guest").WithTags("Guest cart").AllowAnonymous();
        guest.MapPost("", async (HttpContext http, CartService carts, CancellationToken ct) =>
        {
            var (cart, token) = await carts.CreateGuestAsync(ct);
            http.Response.Headers[TokenHeader] = token;
            return TypedResults.Created("/api/carts/guest", cart);
        });
        MapCart(guest, http => new GuestCartKey(GuestToken(http)));

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }

    private static async Task<Results<Created<CartSummary>, ProblemResult>> CreateAsync(
        CurrentUser caller, CartRequest request, CartService carts, CancellationToken cancellationToken)
    {
        var result = await carts.CreateAsync(caller, request, cancellationToken);
        return result.ToHttpResult(cart => TypedResults.Created($"/api/carts/{cart.Id}", cart));
    }

    // Reading a cart and changing its lines, the same for a user's cart and a guest's.
    private static void MapCart(RouteGroupBuilder cart, Func<HttpContext, CartKey> key)
    {
        cart.MapGet("", async (HttpContext http, CartService carts, CancellationToken ct) => (await carts.GetAsync(key(http), ct)).ToOk());
        cart.MapPost("/items", async (HttpContext http, AddItemRequest request, CartService carts, CancellationToken ct) =>
            (await carts.AddItemAsync(key(http), request, ct)).ToOk());
        cart.MapPut("/items/{variantId:guid}", async (Guid variantId, HttpContext http, SetQuantityRequest request, CartService carts, CancellationToken ct) =>
            (await carts.SetQuantityAsync(key(http), variantId, request, ct)).ToOk());
        cart.MapDelete("/items/{variantId:guid}", async (Guid variantId, HttpContext http, CartService carts, CancellationToken ct) =>
            (await carts.RemoveItemAsync(key(http), variantId, ct)).ToNoContent());
        cart.MapDelete("/items", async (HttpContext http, CartService carts, CancellationToken ct) =>
            (await carts.EmptyAsync(key(http), ct)).ToNoContent());
    }

    private static string GuestToken(HttpContext http) =>
        http.Request.Headers[TokenHeader] is [{ Length: > 0 and <= 200 } token]
            ? token
            : throw new ProblemException(Error.BadValue(TokenHeader, $"The {TokenHeader} header must carry the guest cart's token."));
}
