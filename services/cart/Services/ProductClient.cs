using System.Globalization;
using System.Text.Json;

namespace EStore.Cart.Services;

/// <summary>A variant as product-service's batched lookup (<c>GET /api/products/variants?ids=</c>) describes it.</summary>
public sealed record ProductVariant(
    Guid VariantId,
    string State,
    Guid? ProductId,
    string? ProductName,
    string? VariantName,
    Guid? ShopId,
    string? ShopName,
    decimal? Price,
    string? Currency,
    int? Available,
    string? StockStatus)
{
    public const string ForSale = "AVAILABLE";
    public const string Deleted = "DELETED";
    public const string Hidden = "HIDDEN";

    /// <summary>For sale, with everything a line needs.</summary>
    public bool IsForSale => State == ForSale && ProductId is not null && Price is not null && Currency is not null
        && ProductName is not null && VariantName is not null && Available is not null;
}

/// <summary>
/// product-service's variant lookup: one call for any number of a cart's lines, anonymous (public data: no caller
/// token travels, and product-service need not validate one again). Any failure (no instance, timeout, error status, malformed
/// answer) is "unavailable": null, never an exception.
/// </summary>
public sealed partial class ProductClient(HttpClient http, ILogger<ProductClient> logger)
{
    /// <summary>The variants product-service knows, by id (unknown ids are absent); null when it could not answer.</summary>
    public async Task<IReadOnlyDictionary<Guid, ProductVariant>?> LookupAsync(IReadOnlyCollection<Guid> variantIds, CancellationToken cancellationToken)
    {
        if (variantIds.Count == 0)
        {
            return new Dictionary<Guid, ProductVariant>();
        }
        var query = string.Join('&', variantIds.Select(id => "ids=" + id.ToString("D", CultureInfo.InvariantCulture)));
        try
        {
            using var response = await http.GetAsync($"api/products/variants?{query}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable($"status {(int)response.StatusCode}");
                return null;
            }
            var variants = await response.Content.ReadFromJsonAsync<List<ProductVariant>>(cancellationToken);
            if (variants is null)
            {
                LogUnavailable("an empty answer");
                return null;
            }
            // Only what was asked for: an answer about other variants is ignored rather than trusted.
            return variants.Where(v => variantIds.Contains(v.VariantId)).DistinctBy(v => v.VariantId).ToDictionary(v => v.VariantId);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnavailable(ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "product-service did not answer the variant lookup: {Reason}")]
    private partial void LogUnavailable(string reason);
}
