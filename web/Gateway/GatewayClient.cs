using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EStore.Web.Gateway;

/// <summary>
/// The gateway's public REST API, the only thing this app talks to (never a service or a database). Every call
/// answers an <see cref="ApiAnswer{T}"/>: the value, or the API's problem (an unreachable gateway is a 503 problem),
/// so pages show what went wrong instead of failing.
/// </summary>
public sealed class GatewayClient(HttpClient http, ILogger<GatewayClient> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiAnswer<PageOf<Product>>> SearchProductsAsync(ProductSearch search, int size, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(FormattableString.Invariant($"/api/products?page={search.Page}&size={size}"));
        Add(query, "q", search.Q);
        Add(query, "category", search.Category?.ToString());
        Add(query, "shopId", search.ShopId?.ToString());
        Add(query, "minPrice", search.MinPrice?.ToString(CultureInfo.InvariantCulture));
        Add(query, "maxPrice", search.MaxPrice?.ToString(CultureInfo.InvariantCulture));
        Add(query, "inStock", search.InStock ? "true" : null);
        Add(query, "sort", search.Sort);
        return GetAsync<PageOf<Product>>(query.ToString(), cancellationToken);
    }

    public Task<ApiAnswer<Product>> GetProductAsync(Guid id, CancellationToken cancellationToken) =>
        GetAsync<Product>($"/api/products/{id}", cancellationToken);

    public Task<ApiAnswer<List<Category>>> GetCategoriesAsync(CancellationToken cancellationToken) =>
        GetAsync<List<Category>>("/api/categories", cancellationToken);

    public Task<ApiAnswer<PageOf<Shop>>> GetShopsAsync(string? q, int page, int size, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(FormattableString.Invariant($"/api/shops?page={page}&size={size}"));
        Add(query, "q", q);
        return GetAsync<PageOf<Shop>>(query.ToString(), cancellationToken);
    }

    public Task<ApiAnswer<Shop>> GetShopAsync(Guid id, CancellationToken cancellationToken) =>
        GetAsync<Shop>($"/api/shops/{id}", cancellationToken);

    public Task<ApiAnswer<Tokens>> LoginAsync(string email, string password, CancellationToken cancellationToken) =>
        PostAsync<Tokens>("/api/auth/login", new { email, password }, null, cancellationToken);

    public Task<ApiAnswer<Tokens>> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync<Tokens>("/api/auth/refresh", new { refreshToken }, null, cancellationToken);

    public Task<ApiAnswer<JsonElement>> LogoutAsync(string accessToken, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/logout", null, accessToken, cancellationToken);

    public Task<ApiAnswer<JsonElement>> RegisterAsync(string email, string password, string name, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/register", new { email, password, name }, null, cancellationToken);

    public Task<ApiAnswer<JsonElement>> VerifyEmailAsync(string token, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/verify-email", new { token }, null, cancellationToken);

    public Task<ApiAnswer<JsonElement>> ForgotPasswordAsync(string email, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/forgot-password", new { email }, null, cancellationToken);

    public Task<ApiAnswer<JsonElement>> ResetPasswordAsync(string token, string newPassword, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/reset-password", new { token, newPassword }, null, cancellationToken);

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim()));
        }
    }

    private Task<ApiAnswer<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), path, cancellationToken);

    private Task<ApiAnswer<T>> PostAsync<T>(string path, object? body, string? accessToken, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return SendAsync<T>(request, path, cancellationToken);
    }

    private async Task<ApiAnswer<T>> SendAsync<T>(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return await ApiProblem.ReadAsync(response, cancellationToken);
                }
                if (response.Content.Headers.ContentLength == 0)
                {
                    return new ApiAnswer<T>(default, null);
                }
                return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The path only: no query (search words) and never a body (passwords, tokens) in the log.
                logger.LogWarning("Gateway call {Method} {Path} failed: {Reason}", request.Method, path.Split('?')[0], ex.Message);
                return ApiProblem.Unreachable;
            }
        }
    }
}

/// <summary>identity-service's token answer; kept server-side only (see Accounts/SessionCookie.cs).</summary>
public sealed record Tokens(string AccessToken, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);
