using EStore.Web.Accounts;
using EStore.Web.Gateway;
using Microsoft.AspNetCore.DataProtection;

namespace EStore.Web.Carts;

/// <summary>
/// Which cart a browser is working on. A signed-in shopper's carts are cart-service's; the one in use is named by the
/// cookie <see cref="CurrentCookie"/> (a cart id: no secret, a foreign id answers 404 and the default cart is used).
/// A guest's cart is reached with its <c>X-Cart-Token</c>, a secret: sealed by data protection into the HttpOnly
/// cookie <see cref="GuestCookie"/>, never readable by script, and merged into the default cart at sign-in.
/// Only for requests with an <see cref="HttpContext"/> (the cart pages are plain forms: they can set cookies).
/// </summary>
public sealed class CartSession(GatewayClient gateway, IDataProtectionProvider protection)
{
    public const string GuestCookie = "estore.cart";
    public const string CurrentCookie = "estore.cart.current";
    private readonly IDataProtector _guard = protection.CreateProtector("estore-web.guest-cart");

    /// <summary>The caller as the cart API sees it: the user's access token, else the guest cart's token if there is one.</summary>
    public async Task<ApiCaller> CallerAsync(HttpContext http) =>
        await SessionCookie.AccessTokenAsync(http) is { } access
            ? new ApiCaller(access)
            : new ApiCaller(null, GuestToken(http));

    /// <summary>The cart in use: the one the cookie names, the default one when it names none (or one no longer there), the guest cart.</summary>
    public async Task<ApiAnswer<CartView>> CurrentAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var caller = await CallerAsync(http);
        if (caller.AccessToken is null)
        {
            return caller.CartToken is null ? NoCart : await gateway.GetAsync<CartView>("/api/carts/guest", caller, cancellationToken);
        }
        if (CurrentId(http) is { } id)
        {
            var chosen = await gateway.GetAsync<CartView>($"/api/carts/{id}", caller, cancellationToken);
            if (chosen.Problem is not { Status: 404 })
            {
                return chosen;
            }
            http.Response.Cookies.Delete(CurrentCookie);
        }
        var carts = await gateway.GetAsync<List<CartSummary>>("/api/carts", caller, cancellationToken);
        if (carts.Value?.FirstOrDefault(c => c.IsDefault) is not { } standard)
        {
            return carts.Problem ?? NoCart;
        }
        return await gateway.GetAsync<CartView>($"/api/carts/{standard.Id}", caller, cancellationToken);
    }

    /// <summary>The number of items in the cart in use, for the top bar (0 when there is none or it cannot be read).</summary>
    public async Task<int> ItemsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var caller = await CallerAsync(http);
        if (caller.AccessToken is null)
        {
            return caller.CartToken is null ? 0 : (await gateway.GetAsync<CartView>("/api/carts/guest", caller, cancellationToken)).Value?.Items ?? 0;
        }
        var carts = (await gateway.GetAsync<List<CartSummary>>("/api/carts", caller, cancellationToken)).Value ?? [];
        var current = CurrentId(http);
        return (carts.FirstOrDefault(c => c.Id == current) ?? carts.FirstOrDefault(c => c.IsDefault))?.Items ?? 0;
    }

    /// <summary>Adds to the cart in use; a guest without a cart gets one first (and its sealed cookie).</summary>
    public async Task<ApiAnswer<CartView>> AddAsync(HttpContext http, Guid variantId, int quantity, CancellationToken cancellationToken)
    {
        var body = new { variantId, quantity };
        var caller = await CallerAsync(http);
        if (caller.AccessToken is not null)
        {
            var current = await CurrentAsync(http, cancellationToken);
            return current.Value is { } cart
                ? await gateway.PostAsync<CartView>($"/api/carts/{cart.Id}/items", body, caller, cancellationToken)
                : current;
        }
        // A 404 of the add could also be an unknown variant: only a cart that is itself gone is replaced.
        if (caller.CartToken is not null && (await gateway.GetAsync<CartView>("/api/carts/guest", caller, cancellationToken)).Problem is not { Status: 404 })
        {
            return await gateway.PostAsync<CartView>("/api/carts/guest/items", body, caller, cancellationToken);
        }
        // No guest cart yet, or it expired: a new one.
        var created = await gateway.CreateGuestCartAsync(cancellationToken);
        if (created.Value is not { } token)
        {
            return created.Problem!;
        }
        http.Response.Cookies.Append(GuestCookie, _guard.Protect(token), CookieOptions(http, TimeSpan.FromDays(30)));
        return await gateway.PostAsync<CartView>("/api/carts/guest/items", body, new ApiCaller(null, token), cancellationToken);
    }

    /// <summary>At sign-in: the guest cart's lines move into the user's default cart; the guest cookie goes when they did.</summary>
    public async Task MergeGuestCartAsync(HttpContext http, string accessToken, CancellationToken cancellationToken)
    {
        if (GuestToken(http) is not { } token)
        {
            return;
        }
        var merged = await gateway.PostAsync<System.Text.Json.JsonElement>("/api/carts/merge", null, new ApiCaller(accessToken, token), cancellationToken);
        // Merged, or the guest cart is gone: nothing to keep. Refused (too many lines) or unreachable: it stays for the next sign-in.
        if (merged.Ok || merged.Problem is { Status: 404 or 400 })
        {
            http.Response.Cookies.Delete(GuestCookie);
            http.Response.Cookies.Delete(CurrentCookie);
        }
    }

    /// <summary>Makes <paramref name="cartId"/> the cart in use (a signed-in user's).</summary>
    public static void Use(HttpContext http, Guid cartId) =>
        http.Response.Cookies.Append(CurrentCookie, cartId.ToString(), CookieOptions(http, TimeSpan.FromDays(365)));

    public static Guid? CurrentId(HttpContext http) =>
        Guid.TryParse(http.Request.Cookies[CurrentCookie], out var id) ? id : null;

    private string? GuestToken(HttpContext http)
    {
        if (http.Request.Cookies[GuestCookie] is not { Length: > 0 } sealedToken)
        {
            return null;
        }
        try
        {
            return _guard.Unprotect(sealedToken);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // sealed with a key this instance does not have, or tampered with: as if there were none
        }
    }

    private static CookieOptions CookieOptions(HttpContext http, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        IsEssential = true,
        MaxAge = lifetime,
    };

    /// <summary>A guest who has added nothing yet: an empty cart, not an error.</summary>
    private static ApiAnswer<CartView> NoCart => new CartView(Guid.Empty, "Shopping cart", true, true, [], [], 0, false);
}
