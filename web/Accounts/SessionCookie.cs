using System.Security.Claims;
using System.Text.Json;
using EStore.Web.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace EStore.Web.Accounts;

/// <summary>
/// The session: identity-service's tokens sealed into one HttpOnly, SameSite=Lax cookie by ASP.NET Core data
/// protection (Secure when the request came over TLS). The browser holds only ciphertext, so no script and no
/// storage it can read ever sees a token; the server unseals it on each request and refreshes the access token
/// shortly before it expires (rotation: each refresh token is used once, the new pair is sealed into the cookie).
/// </summary>
public static class SessionCookie
{
    public const string CookieName = "estore.session";
    private const string AccessToken = "access_token";
    private const string RefreshToken = "refresh_token";
    private const string ExpiresAt = "expires_at";

    public static IHostApplicationBuilder AddWebAccounts(this IHostApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("estore-web");
        if (builder.Configuration[$"{WebOptions.Section}:{nameof(WebOptions.KeysDirectory)}"] is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/login";
                options.Events.OnValidatePrincipal = RefreshWhenDueAsync;
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<TimeProvider>((options, time) => options.TimeProvider = time);
        builder.Services.AddSingleton<RefreshOnce>();
        builder.Services.AddScoped<Carts.CartSession>();
        builder.Services.AddSingleton<Carts.ReorderNotice>();
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>The signed-in user's access token for an API call (refreshed by this request's cookie check when it was due), or null.</summary>
    public static Task<string?> AccessTokenAsync(HttpContext http) =>
        http.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, AccessToken);

    /// <summary>Signs the browser in with a fresh token pair (after login).</summary>
    public static Task SignInAsync(HttpContext http, Tokens tokens)
    {
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var properties = new AuthenticationProperties { ExpiresUtc = time.GetUtcNow().AddSeconds(tokens.RefreshExpiresIn) };
        Store(properties, tokens, time);
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, PrincipalOf(tokens.AccessToken), properties);
    }

    /// <summary>Ends the session at identity-service (it revokes the refresh token and the live access tokens), then drops the cookie.</summary>
    public static async Task SignOutAsync(HttpContext http, GatewayClient gateway, CancellationToken cancellationToken)
    {
        var result = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (result.Properties?.GetTokenValue(AccessToken) is { } access)
        {
            await gateway.LogoutAsync(access, cancellationToken);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private static async Task RefreshWhenDueAsync(CookieValidatePrincipalContext context)
    {
        var properties = context.Properties;
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var settings = context.HttpContext.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        var expires = DateTimeOffset.TryParse(properties.GetTokenValue(ExpiresAt), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at
            : DateTimeOffset.MinValue;
        if (expires - time.GetUtcNow() > TimeSpan.FromSeconds(settings.RefreshBeforeExpirySeconds)
            || properties.GetTokenValue(RefreshToken) is not { } refresh)
        {
            return;
        }
        var gateway = context.HttpContext.RequestServices.GetRequiredService<GatewayClient>();
        var answer = await context.HttpContext.RequestServices.GetRequiredService<RefreshOnce>().RefreshAsync(refresh, gateway);
        if (answer.Value is { } tokens)
        {
            Store(properties, tokens, time);
            context.ReplacePrincipal(PrincipalOf(tokens.AccessToken));
            context.ShouldRenew = true;
        }
        else if (answer.Problem is { Status: 400 or 401 })
        {
            // Refused (expired, revoked, or reused elsewhere): the session is over.
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        // Unreachable: keep the session; the next request tries again.
    }

    private static void Store(AuthenticationProperties properties, Tokens tokens, TimeProvider time) =>
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = AccessToken, Value = tokens.AccessToken },
            new AuthenticationToken { Name = RefreshToken, Value = tokens.RefreshToken },
            new AuthenticationToken { Name = ExpiresAt, Value = time.GetUtcNow().AddSeconds(tokens.ExpiresIn).ToString("o", System.Globalization.CultureInfo.InvariantCulture) },
        ]);

    /// <summary>
    /// Who is signed in, for the pages to show: read from the access token identity-service just gave this server
    /// over the gateway (not from the browser), so its signature needs no second check here; every API call still
    /// presents the token itself.
    /// </summary>
    private static ClaimsPrincipal PrincipalOf(string accessToken)
    {
        var claims = new List<Claim>();
        var parts = accessToken.Split('.');
        if (parts.Length == 3)
        {
            using var payload = JsonDocument.Parse(Base64UrlDecode(parts[1]));
            foreach (var claim in payload.RootElement.EnumerateObject())
            {
                switch (claim.Name)
                {
                    case "sub":
                        claims.Add(new Claim(ClaimTypes.NameIdentifier, claim.Value.GetString() ?? ""));
                        break;
                    case "email":
                        claims.Add(new Claim(ClaimTypes.Email, claim.Value.GetString() ?? ""));
                        break;
                    case "name":
                        claims.Add(new Claim(ClaimTypes.Name, claim.Value.GetString() ?? ""));
                        break;
                    case "role" or "roles" when claim.Value.ValueKind == JsonValueKind.Array:
                        claims.AddRange(claim.Value.EnumerateArray().Select(r => new Claim(ClaimTypes.Role, r.GetString() ?? "")));
                        break;
                    case "role" or "roles" when claim.Value.ValueKind == JsonValueKind.String:
                        claims.Add(new Claim(ClaimTypes.Role, claim.Value.GetString() ?? ""));
                        break;
                }
            }
        }
        if (!claims.Any(c => c.Type == ClaimTypes.Name) && claims.FirstOrDefault(c => c.Type == ClaimTypes.Email) is { } email)
        {
            claims.Add(new Claim(ClaimTypes.Name, email.Value));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
