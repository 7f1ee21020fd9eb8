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

    private static Created<ProductDto> Created(ProductDto product) =>
        TypedResults.Created($"/api/products/{product.Id}", product);
}
