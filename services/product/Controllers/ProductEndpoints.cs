using EStore.Platform.Errors;
using EStore.Product.Dtos;
using EStore.Product.Services;

namespace EStore.Product.Controllers;

/// <summary>The public catalog: <c>GET /api/products</c> and <c>GET /api/products/{id}</c>.</summary>
public static class ProductEndpoints
{
    public static IEndpointRouteBuilder MapProductEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var products = endpoints.MapGroup("/api/products").WithTags("Products");
        products.MapGet("", ListAsync).Produces<PagedResult<ProductDto>>();
        products.MapGet("/{id}", GetAsync).Produces<ProductDto>();
        return endpoints;
    }

    private static async Task<IResult> ListAsync(ProductCatalog catalog, string? page, string? size, CancellationToken cancellationToken)
    {
        if (!TryParseBounded(page, 1, 1, int.MaxValue, out var pageNumber))
        {
            return ProblemResponses.BadRequest("'page' must be a whole number of at least 1.");
        }
        if (!TryParseBounded(size, 20, 1, ProductCatalog.MaxPageSize, out var pageSize))
        {
            return ProblemResponses.BadRequest($"'size' must be a whole number from 1 to {ProductCatalog.MaxPageSize}.");
        }
        return Results.Ok(await catalog.ListAsync(pageNumber, pageSize, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string id, ProductCatalog catalog, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var productId))
        {
            return ProblemResponses.BadRequest($"'{id}' is not a product id (a UUID).");
        }
        return await catalog.FindAsync(productId, cancellationToken) is { } product
            ? Results.Ok(product)
            : ProblemResponses.NotFound($"Product {productId} does not exist.");
    }

    // Query values arrive as text so that a malformed one gets our 400 problem, not a bare binding failure.
    private static bool TryParseBounded(string? text, int fallback, int min, int max, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, out value) && value >= min && value <= max;
    }
}
