using System.Globalization;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;

namespace EStore.Product.Controllers;

/// <summary>The public catalog (<c>GET /api/products</c>, <c>GET /api/products/{id}</c>) and its owners' changes.</summary>
public static class ProductEndpoints
{
    public static IEndpointRouteBuilder MapProductEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var products = endpoints.MapGroup("/api/products").WithTags("Products");
        products.MapGet("", ListAsync).Produces<PagedResult<ProductDto>>();
        products.MapGet("/{id}", GetAsync).Produces<ProductDto>();
        // Role and ownership are checked by ProductAdmin: a customer gets 403, someone else's product 404.
        products.MapPost("", CreateAsync).Produces<ProductDto>(StatusCodes.Status201Created).RequireAuthorization(AuthorizationPolicies.Authenticated);
        products.MapPut("/{id}", UpdateAsync).Produces<ProductDto>().RequireAuthorization(AuthorizationPolicies.Authenticated);
        products.MapDelete("/{id}", DeleteAsync).RequireAuthorization(AuthorizationPolicies.Authenticated);
        products.MapPost("/{id}/variants", AddVariantAsync).Produces<ProductDto>(StatusCodes.Status201Created).RequireAuthorization(AuthorizationPolicies.Authenticated);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(
        ProductCatalog catalog, string? page, string? size, string? q, string? category, string? shopId, string? shopName,
        string? minPrice, string? maxPrice, string? inStock, string? sort, CancellationToken cancellationToken)
    {
        if (!PageQuery.TryParse(page, size, 20, ProductCatalog.MaxPageSize, out var paging, out var problem))
        {
            return problem;
        }
        if (q is { Length: > 200 })
        {
            return ProblemResponses.BadRequest("'q' must be at most 200 characters long.");
        }
        if (q is not null && SearchText.Words(q).Count > SearchText.MaxWords)
        {
            return ProblemResponses.BadRequest($"'q' must have at most {SearchText.MaxWords} words.");
        }
        if (shopName is { Length: > ProductCatalog.MaxShopNameLength })
        {
            return ProblemResponses.BadRequest($"'shopName' must be at most {ProductCatalog.MaxShopNameLength} characters long.");
        }
        if (!TryParseGuid(category, out var categoryId) || !TryParseGuid(shopId, out var shop))
        {
            return ProblemResponses.BadRequest("'category' and 'shopId' must be UUIDs.");
        }
        if (!TryParsePrice(minPrice, out var min) || !TryParsePrice(maxPrice, out var max) || min > max)
        {
            return ProblemResponses.BadRequest("'minPrice' and 'maxPrice' must be non-negative numbers with minPrice <= maxPrice.");
        }
        bool inStockOnly = false;
        if (!string.IsNullOrEmpty(inStock) && !bool.TryParse(inStock, out inStockOnly))
        {
            return ProblemResponses.BadRequest("'inStock' must be true or false.");
        }
        CatalogSort order;
        switch (sort)
        {
            case null or "": order = string.IsNullOrWhiteSpace(q) ? CatalogSort.Name : CatalogSort.Relevance; break;
            case "name": order = CatalogSort.Name; break;
            case "relevance": order = CatalogSort.Relevance; break;
            case "price": order = CatalogSort.Price; break;
            case "-price" or "price_desc": order = CatalogSort.PriceDesc; break;
            case "newest": order = CatalogSort.Newest; break;
            default: return ProblemResponses.BadRequest("'sort' must be one of relevance, name, price, -price, newest.");
        }
        var query = new CatalogQuery(paging.Page, paging.Size, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), categoryId, shop,
            string.IsNullOrWhiteSpace(shopName) ? null : shopName.Trim(), min, max, inStockOnly, order);
        return Results.Ok(await catalog.ListAsync(query, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string id, ProductCatalog catalog, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var productId))
        {
            return BadId(id);
        }
        return await catalog.FindAsync(productId, cancellationToken) is { } product
            ? Results.Ok(product)
            : ProblemResponses.NotFound($"Product {productId} does not exist.");
    }

    private static async Task<IResult> CreateAsync(CurrentUser caller, ProductRequest? request, ProductAdmin admin, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return MissingBody();
        }
        var (product, problem) = await admin.CreateAsync(caller, request, cancellationToken);
        return problem ?? Results.Created($"/api/products/{product!.Id}", product);
    }

    private static async Task<IResult> UpdateAsync(string id, CurrentUser caller, ProductRequest? request, ProductAdmin admin, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var productId))
        {
            return BadId(id);
        }
        if (request is null)
        {
            return MissingBody();
        }
        var (product, problem) = await admin.UpdateAsync(caller, productId, request, cancellationToken);
        return problem ?? Results.Ok(product);
    }

    private static async Task<IResult> AddVariantAsync(string id, CurrentUser caller, VariantRequest? request, ProductAdmin admin, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var productId))
        {
            return BadId(id);
        }
        if (request is null)
        {
            return MissingBody();
        }
        var (product, problem) = await admin.AddVariantAsync(caller, productId, request, cancellationToken);
        return problem ?? Results.Created($"/api/products/{product!.Id}", product);
    }

    private static async Task<IResult> DeleteAsync(string id, CurrentUser caller, ProductAdmin admin, CancellationToken cancellationToken) =>
        !Guid.TryParse(id, out var productId)
            ? BadId(id)
            : await admin.DeleteAsync(caller, productId, cancellationToken) ?? Results.NoContent();

    private static IResult BadId(string id) => ProblemResponses.BadRequest($"'{id}' is not a product id (a UUID).");

    private static IResult MissingBody() => ProblemResponses.BadRequest("A JSON request body is required.");

    private static bool TryParseGuid(string? text, out Guid? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
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
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        var ok = decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) && parsed <= 1_000_000_000m;
        value = parsed;
        return ok;
    }
}
