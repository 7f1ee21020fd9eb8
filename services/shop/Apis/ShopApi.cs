using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Shop.Data;
using EStore.Shop.Dtos;
using EStore.Shop.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Shop.Apis;

/// <summary><c>/api/shops</c>: the public directory, owners' shops and the administrators' moderation.</summary>
public static class ShopApi
{
    public static IEndpointRouteBuilder MapShopApi(this IEndpointRouteBuilder endpoints)
    {
        var shops = endpoints.MapGroup("/api/shops").WithTags("Shops");
        shops.MapGet("", ListAsync);
        shops.MapGet("/mine", async (CurrentUser caller, ShopService service, CancellationToken ct) => TypedResults.Ok(await service.MineAsync(caller, ct)))
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        shops.MapGet("/{id:guid}", async (Guid id, ICurrentUserAccessor caller, ShopService service, CancellationToken ct) =>
            (await service.GetAsync(id, caller.User, ct)).ToOk());
        shops.MapPost("", CreateAsync).RequireAuthorization(AuthorizationPolicies.Authenticated);
        // Another owner's shop (or a customer asking) looks exactly like a missing one.
        shops.MapGet("/{id:guid}/summary", async (Guid id, CurrentUser caller, ShopDashboard dashboard, CancellationToken ct) =>
            (await dashboard.SummaryAsync(id, caller, ct)).ToOk()).RequireAuthorization(AuthorizationPolicies.Authenticated);
        shops.MapPut("/{id:guid}", async (Guid id, CurrentUser caller, ShopRequest request, ShopService service, CancellationToken ct) =>
            (await service.UpdateAsync(id, caller, request, ct)).ToOk()).RequireAuthorization(AuthorizationPolicies.Authenticated);
        MapStatusChange(shops, "approve", ShopState.Pending, ShopState.Active);
        MapStatusChange(shops, "suspend", ShopState.Active, ShopState.Suspended);
        MapStatusChange(shops, "reactivate", ShopState.Suspended, ShopState.Active);
        return endpoints;
    }

    private static async Task<Results<Ok<PagedResult<ShopDto>>, ProblemResult>> ListAsync(
        ShopService service, PageQuery paging, string? q, string? category, CancellationToken cancellationToken)
    {
        if (q is { Length: > ShopRulesLimits.Name } || category is { Length: > ShopRulesLimits.Category })
        {
            return ProblemResponses.BadRequest($"'q' and 'category' must be at most {ShopRulesLimits.Name} characters long.");
        }
        return TypedResults.Ok(await service.ListAsync(paging, q, category, cancellationToken));
    }

    private static async Task<Results<Created<ShopDto>, ProblemResult>> CreateAsync(
        CurrentUser caller, ShopRequest request, ShopService service, AccountClient accounts, CancellationToken cancellationToken)
    {
        // Tokens live 15 minutes: one issued before the user verified still says false, so ask identity-service.
        if (!caller.EmailVerified && !await accounts.IsEmailVerifiedAsync(caller.Id, cancellationToken))
        {
            return Error.Forbidden("Verify your e-mail address before opening a shop. If you have just verified it, log in again and retry.").ToProblem();
        }
        return (await service.CreateAsync(caller, request, cancellationToken)).ToHttpResult(shop => TypedResults.Created($"/api/shops/{shop.Id}", shop));
    }

    // Admin moderation; the reason is optional, and so is the body that carries it.
    private static void MapStatusChange(RouteGroupBuilder shops, string action, ShopState from, ShopState to) =>
        shops.MapPost($"/{{id:guid}}/{action}", async (Guid id, StatusChangeRequest? body, ShopService service, CancellationToken ct) =>
            (await service.ChangeStatusAsync(id, from, to, body?.Reason, ct)).ToOk()).RequireAuthorization(AuthorizationPolicies.Admin);
}
