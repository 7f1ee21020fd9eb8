using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Product.Apis;

/// <summary>The public catalog (<c>GET /api/products</c>, <c>GET /api/products/{id}</c>) and its owners' changes.</summary>
public static class ProductApi
{
    public static IEndpointRouteBuilder MapProductApi(this IEndpointRouteBuilder endpoints)
    {
        var products = endpoints.MapGroup("/api/products").WithTags("Products");
        products.MapGet("", async (ProductQuery query, ProductCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.ListAsync(query, ct)));
        // Public data for other services (cart reads): one query for many variants, anonymous or with a forwarded token.
        products.MapGet("/variants", LookupVariantsAsync);
        products.MapGet("/{id:guid}", async (Guid id, ProductCatalog catalog, CancellationToken ct) => (await catalog.FindAsync(id, ct)).ToOk());

        // Role and ownership are checked by ProductAdmin: a customer gets 403, someone else's product 404.
        var owned = products.MapGroup("").RequireAuthorization(AuthorizationPolicies.Authenticated);
        owned.MapPost("", async (CurrentUser caller, ProductRequest request, ProductAdmin admin, CancellationToken ct) =>
            (await admin.CreateAsync(caller, request, ct)).ToHttpResult(Created));
        owned.MapPut("/{id:guid}", async (Guid id, CurrentUser caller, ProductRequest request, ProductAdmin admin, CancellationToken ct) =>
            (await admin.UpdateAsync(caller, id, request, ct)).ToOk());
        owned.MapDelete("/{id:guid}", async (Guid id, CurrentUser caller, ProductAdmin admin, CancellationToken ct) =>
            (await admin.DeleteAsync(caller, id, ct)).ToNoContent());
        owned.MapPost("/{id:guid}/variants", async (Guid id, CurrentUser caller, VariantRequest request, ProductAdmin admin, CancellationToken ct) =>
            (await admin.AddVariantAsync(caller, id, request, ct)).ToHttpResult(Created));
        return endpoints;
    }

    private static async Task<Results<Ok<IReadOnlyList<VariantLookupDto>>, ProblemResult>> LookupVariantsAsync(
        Guid[]? ids, ProductCatalog catalog, CancellationToken cancellationToken)
    {
        var distinct = (ids ?? []).Distinct().ToList();
        if (distinct.Count is 0 or > VariantStates.MaxIds)
        {
            return Error.BadValue("ids", $"'ids' must name from 1 to {VariantStates.MaxIds} variant ids (UUIDs).").ToProblem();
        }
        return TypedResults.Ok(await catalog.LookupVariantsAsync(distinct, cancellationToken));
    }

    private static Created<ProductDto> Created(ProductDto product) =>
        TypedResults.Created($"/api/products/{product.Id}", product);
}
