using System.Globalization;
using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using EStore.Platform.Paging;
using EStore.Product.Services;
using Microsoft.OpenApi;

namespace EStore.Product.Dtos;

/// <summary>
/// The public catalog's validated query (<c>GET /api/products</c>), bound from the query string by <see cref="BindAsync"/>;
/// a bad value answers a 400 problem naming it.
/// </summary>
[QueryParameter("page", JsonSchemaType.Integer, "The page number, from 1 (the default) to 10000.")]
[QueryParameter("size", JsonSchemaType.Integer, "Products per page, from 1 to 100; 20 when not given.")]
[QueryParameter("q", JsonSchemaType.String, "Words to search for in names and descriptions (at most 200 characters).")]
[QueryParameter("category", JsonSchemaType.String, "A category id (UUID): products in it or its subcategories.")]
[QueryParameter("shopId", JsonSchemaType.String, "A shop id (UUID).")]
[QueryParameter("shopName", JsonSchemaType.String, "Part of a shop's name, ignoring case, width and spacing (at most 100 characters).")]
[QueryParameter("minPrice", JsonSchemaType.Number, "The lowest unit price, inclusive.")]
[QueryParameter("maxPrice", JsonSchemaType.Number, "The highest unit price, inclusive.")]
[QueryParameter("inStock", JsonSchemaType.Boolean, "true: only products with stock to sell.")]
[QueryParameter("sort", JsonSchemaType.String, "relevance (the default with q), name (the default without), price, -price or newest.")]
public sealed record ProductQuery(
    int Page,
    int Size,
    string? Text,
    Guid? CategoryId,
    Guid? ShopId,
    string? ShopName,
    decimal? MinPrice,
    decimal? MaxPrice,
    bool InStockOnly,
    ProductSort Sort)
{
    private const int MaxTextLength = 200;
    private const decimal PriceLimit = 1_000_000_000m;

    /// <summary>Reads <c>page</c>, <c>size</c>, <c>q</c>, <c>category</c>, <c>shopId</c>, <c>shopName</c>, <c>minPrice</c>, <c>maxPrice</c>, <c>inStock</c> and <c>sort</c>.</summary>
    public static ValueTask<ProductQuery?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Request.Query;
        return ValueTask.FromResult<ProductQuery?>(Read(name => values[name].ToString() is { Length: > 0 } value ? value : null));
    }

    private static ProductQuery Read(Func<string, string?> value)
    {
        if (!PageQuery.TryParse(value("page"), value("size"), PageQuery.DefaultSize, PageQuery.MaxSize, out var paging, out var pageError))
        {
            throw new ProblemException(pageError);
        }
        var q = value("q");
        Check(q is not { Length: > MaxTextLength }, $"'q' must be at most {MaxTextLength} characters long.");
        Check(q is null || SearchText.Words(q).Count <= SearchText.MaxWords, $"'q' must have at most {SearchText.MaxWords} words.");
        var shopName = value("shopName");
        Check(shopName is not { Length: > ProductCatalog.MaxShopNameLength }, $"'shopName' must be at most {ProductCatalog.MaxShopNameLength} characters long.");
        Check(TryParseGuid(value("category"), out var category) & TryParseGuid(value("shopId"), out var shop), "'category' and 'shopId' must be UUIDs.");
        Check(TryParsePrice(value("minPrice"), out var min) & TryParsePrice(value("maxPrice"), out var max) && !(min > max),
            "'minPrice' and 'maxPrice' must be non-negative numbers with minPrice <= maxPrice.");
        var inStockOnly = false;
        Check(value("inStock") is not { } inStock || bool.TryParse(inStock, out inStockOnly), "'inStock' must be true or false.");
        var sort = value("sort") switch
        {
            null => string.IsNullOrWhiteSpace(q) ? ProductSort.Name : ProductSort.Relevance,
            "name" => ProductSort.Name,
            "relevance" => ProductSort.Relevance,
            "price" => ProductSort.Price,
            "-price" or "price_desc" => ProductSort.PriceDesc,
            "newest" => ProductSort.Newest,
            _ => throw new ProblemException(Error.BadRequest("'sort' must be one of relevance, name, price, -price, newest.")),
        };
        return new ProductQuery(paging.Page, paging.Size, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), category, shop,
            string.IsNullOrWhiteSpace(shopName) ? null : shopName.Trim(), min, max, inStockOnly, sort);
    }

    private static void Check(bool valid, string message)
    {
        if (!valid)
        {
            throw new ProblemException(Error.BadRequest(message));
        }
    }

    private static bool TryParseGuid(string? text, out Guid? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }
        var ok = Guid.TryParse(text, out var parsed);
        value = parsed;
        return ok;
    }

    private static bool TryParsePrice(string? text, out decimal? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }
        var ok = decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) && parsed <= PriceLimit;
        value = parsed;
        return ok;
    }
}
