using System.Globalization;
using System.Net;
using System.Text.Json;
using EStore.Order.Data;
using Microsoft.Extensions.Options;

namespace EStore.Order.Services;

/// <summary>What another service answered: its status and body, or no status at all when it could not be reached.</summary>
public readonly record struct Answer<T>(HttpStatusCode? Status, T? Value)
{
    public bool Found => Status == HttpStatusCode.OK && Value is not null;

    /// <summary>404 (missing or not the caller's: the callee does not tell them apart either).</summary>
    public bool Missing => Status == HttpStatusCode.NotFound;

    /// <summary>Unreachable, timed out, a server error or an unreadable body.</summary>
    public bool Down => !Found && !Missing;
}

/// <summary>A cart line as cart-service shows it (order-service prices it again itself).</summary>
public sealed record CartLineRead(Guid VariantId, Guid ProductId, int Quantity);

public sealed record CartRead(Guid Id, IReadOnlyList<CartLineRead> Lines);

public sealed record CartSummaryRead(Guid Id);

/// <summary>product-service's variant lookup (<c>GET /api/products/variants?ids=</c>).</summary>
public sealed record VariantRead(Guid VariantId, string State, Guid? ProductId, string? ProductName, string? VariantName,
    Guid? ShopId, decimal? Price, string? Currency, int? Available)
{
    public bool ForSale => State == "AVAILABLE" && ProductId is not null && ShopId is not null && Price is not null
        && Currency is not null && ProductName is not null && Available is not null;
}

public sealed record AddressRead(Guid Id, string RecipientName, string Line1, string? Line2, string City, string? Region,
    string? PostalCode, string Country, string Phone, bool IsDefaultShipping)
{
    /// <summary>The copy an order keeps (later edits at address-service do not change it).</summary>
    public ShippingAddress ToSnapshot() => new()
    {
        AddressId = Id,
        Recipient = RecipientName,
        Line1 = Line1,
        Line2 = Line2,
        City = City,
        Region = Region,
        PostalCode = PostalCode ?? "",
        Country = Country,
        Phone = Phone,
    };
}

/// <summary>What cart-service answered to an added line: 200, or its problem's <c>error</c> and <c>message</c>.</summary>
public sealed record CartAddRead(HttpStatusCode? Status, string? Error, string? Message)
{
    public bool Added => Status == HttpStatusCode.OK;
}

public sealed record PaymentMethodRead(Guid Id, bool IsDefault);

public sealed record UserRead(Guid Id, string Email);

public sealed record ShopRead(Guid Id);

/// <summary>
/// The reads a checkout and the shop owners' views need from the other services: through discovery, each with the
/// caller's own token (so what is not theirs is 404 to order-service too). Never throws for a service that is down.
/// </summary>
public sealed partial class MeshReader(HttpClient http, IOptions<OrderOptions> options, ILogger<MeshReader> logger)
{
    private OrderOptions Settings => options.Value;

    public Task<Answer<CartRead>> CartAsync(Guid id, CancellationToken ct) =>
        GetAsync<CartRead>(Settings.CartServiceUrl, $"api/carts/{id:D}", ct);

    public Task<Answer<List<CartSummaryRead>>> CartsAsync(CancellationToken ct) =>
        GetAsync<List<CartSummaryRead>>(Settings.CartServiceUrl, "api/carts", ct);

    public async Task<Answer<Dictionary<Guid, VariantRead>>> VariantsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var query = string.Join('&', ids.Select(id => "ids=" + id.ToString("D", CultureInfo.InvariantCulture)));
        var answer = await GetAsync<List<VariantRead>>(Settings.ProductServiceUrl, "api/products/variants?" + query, ct);
        // Only the variants asked for count: anything else in the answer is ignored rather than trusted.
        return new(answer.Status, answer.Value?.Where(v => ids.Contains(v.VariantId)).DistinctBy(v => v.VariantId).ToDictionary(v => v.VariantId));
    }

    public Task<Answer<AddressRead>> AddressAsync(Guid id, CancellationToken ct) =>
        GetAsync<AddressRead>(Settings.AddressServiceUrl, $"api/addresses/{id:D}", ct);

    public Task<Answer<List<AddressRead>>> AddressesAsync(CancellationToken ct) =>
        GetAsync<List<AddressRead>>(Settings.AddressServiceUrl, "api/addresses", ct);

    public Task<Answer<PaymentMethodRead>> PaymentMethodAsync(Guid id, CancellationToken ct) =>
        GetAsync<PaymentMethodRead>(Settings.PaymentServiceUrl, $"api/payment-methods/{id:D}", ct);

    public Task<Answer<List<PaymentMethodRead>>> PaymentMethodsAsync(CancellationToken ct) =>
        GetAsync<List<PaymentMethodRead>>(Settings.PaymentServiceUrl, "api/payment-methods", ct);

    public Task<Answer<UserRead>> MeAsync(CancellationToken ct) =>
        GetAsync<UserRead>(Settings.IdentityServiceUrl, "api/users/me", ct);

    public Task<Answer<List<ShopRead>>> MyShopsAsync(CancellationToken ct) =>
        GetAsync<List<ShopRead>>(Settings.ShopServiceUrl, "api/shops/mine", ct);

    /// <summary>Adds units of a variant to one of the caller's carts (cart-service checks the variant again).</summary>
    public async Task<CartAddRead> AddToCartAsync(Guid cartId, Guid variantId, int quantity, CancellationToken ct)
    {
        var uri = new Uri(Settings.CartServiceUrl, $"api/carts/{cartId:D}/items");
        try
        {
            using var response = await http.PostAsJsonAsync(uri, new { variantId, quantity }, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return new(response.StatusCode, null, null);
            }
            LogRefused(uri.Host, uri.AbsolutePath, (int)response.StatusCode);
            var problem = await ReadProblemAsync(response, ct);
            return new(response.StatusCode, problem?.Error, problem?.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(uri.Host, uri.AbsolutePath, ex.Message);
            return new(null, null, null);
        }
    }

    private static async Task<ProblemRead?> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemRead>(ct);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record ProblemRead(string? Error, string? Message);

    private async Task<Answer<T>> GetAsync<T>(Uri service, string path, CancellationToken ct)
    {
        var uri = new Uri(service, path);
        try
        {
            using var response = await http.GetAsync(uri, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    LogRefused(uri.Host, uri.AbsolutePath, (int)response.StatusCode);
                }
                return new(response.StatusCode, default);
            }
            return new(response.StatusCode, await response.Content.ReadFromJsonAsync<T>(ct));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(uri.Host, uri.AbsolutePath, ex.Message);
            return new(null, default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} answered {Path} with {Status}")]
    private partial void LogRefused(string service, string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} did not answer {Path}: {Reason}")]
    private partial void LogUnreachable(string service, string path, string reason);
}
