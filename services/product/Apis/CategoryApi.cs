using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;

namespace EStore.Product.Apis;

/// <summary><c>/api/categories</c>: the public tree and the administrators' changes.</summary>
public static class CategoryApi
{
    public static IEndpointRouteBuilder MapCategoryApi(this IEndpointRouteBuilder endpoints)
    {
        var categories = endpoints.MapGroup("/api/categories").WithTags("Categories");
        categories.MapGet("", async (CategoryTree tree, CancellationToken ct) => TypedResults.Ok(await tree.TreeAsync(ct)));

        var admin = categories.MapGroup("").RequireAuthorization(AuthorizationPolicies.Admin);
        admin.MapPost("", async (CategoryRequest request, CategoryTree tree, CancellationToken ct) =>
            (await tree.SaveAsync(null, request, ct)).ToHttpResult(category => TypedResults.Created($"/api/categories/{category.Id}", category)));
        admin.MapPut("/{id:guid}", async (Guid id, CategoryRequest request, CategoryTree tree, CancellationToken ct) =>
            (await tree.SaveAsync(id, request, ct)).ToOk());
        admin.MapDelete("/{id:guid}", async (Guid id, CategoryTree tree, CancellationToken ct) => (await tree.DeleteAsync(id, ct)).ToNoContent());
        return endpoints;
    }
}
