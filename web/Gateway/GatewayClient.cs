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
        PostAsync<Tokens>("/api/auth/login", new { email, password }, ApiCaller.Anonymous, cancellationToken);

    public Task<ApiAnswer<Tokens>> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync<Tokens>("/api/auth/refresh", new { refreshToken }, ApiCaller.Anonymous, cancellationToken);

    public Task<ApiAnswer<JsonElement>> LogoutAsync(string accessToken, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/logout", null, new ApiCaller(accessToken), cancellationToken);

    public Task<ApiAnswer<JsonElement>> RegisterAsync(string email, string password, string name, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/register", new { email, password, name }, ApiCaller.Anonymous, cancellationToken);

    public Task<ApiAnswer<JsonElement>> VerifyEmailAsync(string token, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/verify-email", new { token }, ApiCaller.Anonymous, cancellationToken);

    public Task<ApiAnswer<JsonElement>> ForgotPasswordAsync(string email, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/forgot-password", new { email }, ApiCaller.Anonymous, cancellationToken);

    public Task<ApiAnswer<JsonElement>> ResetPasswordAsync(string token, string newPassword, CancellationToken cancellationToken) =>
        PostAsync<JsonElement>("/api/auth/reset-password", new { token, newPassword }, ApiCaller.Anonymous, cancellationToken);

    /// <summary>A call as the signed-in user (<paramref name="caller"/> carries the access token, or a guest cart's token).</summary>
    public Task<ApiAnswer<T>> GetAsync<T>(string path, ApiCaller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, caller, cancellationToken);

    public Task<ApiAnswer<T>> PostAsync<T>(string path, object? body, ApiCaller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Post, path, body, caller, cancellationToken);

    public Task<ApiAnswer<T>> PutAsync<T>(string path, object? body, ApiCaller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Put, path, body, caller, cancellationToken);

    public Task<ApiAnswer<JsonElement>> DeleteAsync(string path, ApiCaller caller, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Delete, path, null, caller, cancellationToken);

    /// <summary>
    /// <c>POST /api/orders/checkout</c> with the page visit's <paramref name="idempotencyKey"/>: a second post with the
    /// same key (a double click, a reload) answers the first checkout instead of making another.
    /// </summary>
    public Task<ApiAnswer<Checkout>> CheckoutAsync(object body, string idempotencyKey, ApiCaller caller, CancellationToken cancellationToken)
    {
        var request = Request(HttpMethod.Post, "/api/orders/checkout", body, caller);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return SendAsync<Checkout>(request, "/api/orders/checkout", cancellationToken);
    }

    /// <summary><c>POST /api/carts/guest</c>: a new guest cart's token (the <c>X-Cart-Token</c> answer header), or the problem.</summary>
    public async Task<ApiAnswer<string>> CreateGuestCartAsync(CancellationToken cancellationToken)
    {
        string? token = null;
        var answer = await SendAsync<JsonElement>(Request(HttpMethod.Post, "/api/carts/guest", null, ApiCaller.Anonymous), "/api/carts/guest",
            response => token = response.Headers.TryGetValues(CartTokenHeader, out var values) ? values.FirstOrDefault() : null, cancellationToken);
        if (answer.Problem is { } problem)
        {
            return problem;
        }
        return token is { Length: > 0 } ? token : ApiProblem.Unreachable;
    }

    /// <summary>
    /// A GET whose answer is passed on as it arrives (a CSV download): the open answer, read from once its headers are
    /// in (the caller streams its body on and disposes it), or the problem.
    /// </summary>
    public async Task<ApiAnswer<HttpResponseMessage>> DownloadAsync(string path, ApiCaller caller, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null, caller);
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            using (response)
            {
                return await ApiProblem.ReadAsync(response, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Gateway call {Method} {Path} failed: {Reason}", request.Method, path.Split('?')[0], ex.Message);
            return ApiProblem.Unreachable;
        }
    }

    private const string CartTokenHeader = "X-Cart-Token";

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body, ApiCaller caller)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        if (caller.AccessToken is { } access)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        }
        if (caller.CartToken is { } cart)
        {
            request.Headers.Add(CartTokenHeader, cart);
        }
        return request;
    }

    private Task<ApiAnswer<T>> SendAsync<T>(HttpMethod method, string path, object? body, ApiCaller caller, CancellationToken cancellationToken) =>
        SendAsync<T>(Request(method, path, body, caller), path, cancellationToken);

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim()));
        }
    }

    private Task<ApiAnswer<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), path, cancellationToken);

    private Task<ApiAnswer<T>> SendAsync<T>(HttpRequestMessage request, string path, CancellationToken cancellationToken) =>
        SendAsync<T>(request, path, null, cancellationToken);

    private async Task<ApiAnswer<T>> SendAsync<T>(HttpRequestMessage request, string path, Action<HttpResponseMessage>? answered, CancellationToken cancellationToken)
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
                answered?.Invoke(response);
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
            catch (JsonException ex)
            {
                // An answer of another shape than this app expects: a page error, not a crash of the page.
                logger.LogError("Gateway call {Method} {Path} answered an unexpected body: {Reason}", request.Method, path.Split('?')[0], ex.Message);
                return ApiProblem.Unexpected;
            }
        }
    }
}

/// <summary>Who calls: the signed-in user's access token and/or a guest cart's token; both stay on this server.</summary>
public sealed record ApiCaller(string? AccessToken, string? CartToken = null)
{
    public static ApiCaller Anonymous { get; } = new(AccessToken: null);
}

/// <summary>identity-service's token answer; kept server-side only (see Accounts/SessionCookie.cs).</summary>
public sealed record Tokens(string AccessToken, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);
