using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Shop.Data;
using EStore.Shop.Dtos;
using EStore.Shop.Services;

namespace EStore.Shop.Controllers;

/// <summary><c>/api/shops</c>: the public directory, owners' shops and the administrators' moderation.</summary>
public static class ShopEndpoints
{
    public static IEndpointRouteBuilder MapShopEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var shops = endpoints.MapGroup("/api/shops").WithTags("Shops");
        shops.MapGet("", ListAsync).Produces<PagedResult<ShopDto>>();
        shops.MapGet("/mine", MineAsync).Produces<IReadOnlyList<ShopDto>>().RequireAuthorization(AuthorizationPolicies.Authenticated);
        shops.MapGet("/{id}", GetAsync).Produces<ShopDto>();
        shops.MapPost("", CreateAsync).Produces<ShopDto>(StatusCodes.Status201Created).RequireAuthorization(AuthorizationPolicies.Authenticated);
        shops.MapGet("/{id}/summary", SummaryAsync).Produces<ShopSummaryDto>().RequireAuthorization(AuthorizationPolicies.Authenticated);
        shops.MapPut("/{id}", UpdateAsync).Produces<ShopDto>().RequireAuthorization(AuthorizationPolicies.Authenticated);
        shops.MapPost("/{id}/approve", (string id, StatusChangeRequest? body, ShopService service, CancellationToken ct) =>
            ChangeStatusAsync(id, ShopState.Pending, ShopState.Active, body, service, ct)).RequireAuthorization(AuthorizationPolicies.Admin);
        shops.MapPost("/{id}/suspend", (string id, StatusChangeRequest? body, ShopService service, CancellationToken ct) =>
            ChangeStatusAsync(id, ShopState.Active, ShopState.Suspended, body, service, ct)).RequireAuthorization(AuthorizationPolicies.Admin);
        shops.MapPost("/{id}/reactivate", (string id, StatusChangeRequest? body, ShopService service, CancellationToken ct) =>
            ChangeStatusAsync(id, ShopState.Suspended, ShopState.Active, body, service, ct)).RequireAuthorization(AuthorizationPolicies.Admin);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(ShopService service, string? page, string? size, string? q, string? category, CancellationToken cancellationToken)
    {
        if (!PageQuery.TryParse(page, size, 20, ShopService.MaxPageSize, out var paging, out var problem))
        {
            return problem;
        }
        if (q is { Length: > ShopRulesLimits.Name } || category is { Length: > ShopRulesLimits.Category })
        {
            return ProblemResponses.BadRequest($"'q' and 'category' must be at most {ShopRulesLimits.Name} characters long.");
        }
        return Results.Ok(await service.ListAsync(paging, q, category, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string id, ICurrentUserAccessor caller, ShopService service, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var shopId)
            ? (await service.GetAsync(shopId, caller.User, cancellationToken)).ToResult(Results.Ok)
            : BadId(id);

    private static async Task<IResult> MineAsync(CurrentUser caller, ShopService service, CancellationToken cancellationToken) =>
        Results.Ok(await service.MineAsync(caller, cancellationToken));

    private static async Task<IResult> SummaryAsync(string id, CurrentUser caller, ShopDashboard dashboard, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var shopId))
        {
            return BadId(id);
        }
        // Another owner's shop (or a customer asking) looks exactly like a missing one.
        return await dashboard.SummaryAsync(shopId, caller, cancellationToken) is { } summary
            ? Results.Ok(summary)
            : ProblemResponses.NotFound($"Shop {shopId} does not exist.");
    }

    private static async Task<IResult> CreateAsync(CurrentUser caller, ShopRequest? request, ShopService service, AccountClient accounts, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return MissingBody();
        }
        // Tokens live 15 minutes: one issued before the user verified still says false, so ask identity-service.
        if (!caller.EmailVerified && !await accounts.IsEmailVerifiedAsync(caller.Id, cancellationToken))
        {
            return Results.Problem(
                "Verify your e-mail address before opening a shop. If you have just verified it, log in again and retry.",
                statusCode: StatusCodes.Status403Forbidden);
        }
        return (await service.CreateAsync(caller, request, cancellationToken)).ToResult(shop => Results.Created($"/api/shops/{shop.Id}", shop));
    }

    private static async Task<IResult> UpdateAsync(string id, CurrentUser caller, ShopRequest? request, ShopService service, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var shopId))
        {
            return BadId(id);
        }
        return request is null ? MissingBody() : (await service.UpdateAsync(shopId, caller, request, cancellationToken)).ToResult(Results.Ok);
    }

    private static async Task<IResult> ChangeStatusAsync(string id, ShopState from, ShopState to, StatusChangeRequest? body, ShopService service, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var shopId)
            ? (await service.ChangeStatusAsync(shopId, from, to, body?.Reason, cancellationToken)).ToResult(Results.Ok)
            : BadId(id);

    private static IResult BadId(string id) => ProblemResponses.BadRequest($"'{id}' is not a shop id (a UUID).");

    private static IResult MissingBody() => ProblemResponses.BadRequest("A JSON request body is required.");
}
