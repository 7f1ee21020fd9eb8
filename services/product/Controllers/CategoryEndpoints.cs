using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Dtos;
using EStore.Product.Services;

namespace EStore.Product.Controllers;

/// <summary><c>/api/categories</c>: the public tree and the administrators' changes.</summary>
public static class CategoryEndpoints
{
    public static IEndpointRouteBuilder MapCategoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var categories = endpoints.MapGroup("/api/categories").WithTags("Categories");
        categories.MapGet("", async (CategoryTree tree, CancellationToken ct) => Results.Ok(await tree.TreeAsync(ct)))
            .Produces<IReadOnlyList<CategoryDto>>();
        categories.MapPost("", async (CategoryRequest? request, CategoryTree tree, CancellationToken ct) =>
        {
            if (request is null)
            {
                return MissingBody();
            }
            var (category, problem) = await tree.SaveAsync(null, request, ct);
            return problem ?? Results.Created($"/api/categories/{category!.Id}", category);
        }).RequireAuthorization(AuthorizationPolicies.Admin);
        categories.MapPut("/{id}", async (string id, CategoryRequest? request, CategoryTree tree, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var categoryId))
            {
                return BadId(id);
            }
            if (request is null)
            {
                return MissingBody();
            }
            var (category, problem) = await tree.SaveAsync(categoryId, request, ct);
            return problem ?? Results.Ok(category);
        }).RequireAuthorization(AuthorizationPolicies.Admin);
        categories.MapDelete("/{id}", async (string id, CategoryTree tree, CancellationToken ct) =>
            !Guid.TryParse(id, out var categoryId) ? BadId(id) : await tree.DeleteAsync(categoryId, ct) ?? Results.NoContent())
            .RequireAuthorization(AuthorizationPolicies.Admin);
        return endpoints;
    }

    private static IResult BadId(string id) => ProblemResponses.BadRequest($"'{id}' is not a category id (a UUID).");

    private static IResult MissingBody() => ProblemResponses.BadRequest("A JSON request body is required.");
}
