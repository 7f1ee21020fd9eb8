using EStore.Platform.Errors;
using EStore.Platform.Security;
using EStore.Product.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Product.Apis;

/// <summary><c>/api/products/feeds</c>: supplier feeds of a shop, fetched on a schedule and applied as import jobs.</summary>
public static class FeedApi
{
    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder endpoints)
    {
        var feeds = endpoints.MapGroup("/api/products/feeds").WithTags("Feeds").RequireAuthorization(AuthorizationPolicies.Authenticated);
        feeds.MapPost("", async (FeedRequest request, CurrentUser caller, Feeds.Feeds service, CancellationToken ct) =>
            (await service.CreateAsync(caller, request, ct)).ToHttpResult(feed => TypedResults.Created($"/api/products/feeds/{feed.Id}", feed)));
        feeds.MapGet("", async Task<Results<Ok<IReadOnlyList<FeedDto>>, ProblemResult>> (Guid? shopId, CurrentUser caller, Feeds.Feeds service, CancellationToken ct) =>
            shopId is { } id ? (await service.ListAsync(caller, id, ct)).ToOk() : ProblemResponses.BadRequest("'shopId' is required and must be a shop id (a UUID)."));
        feeds.MapGet("/{id:guid}", async (Guid id, CurrentUser caller, Feeds.Feeds service, CancellationToken ct) => (await service.FindAsync(caller, id, ct)).ToOk());
        feeds.MapPost("/{id:guid}/run", async (Guid id, CurrentUser caller, Feeds.Feeds service, CancellationToken ct) =>
            (await service.RunNowAsync(caller, id, ct)).ToHttpResult(feed => TypedResults.Accepted($"/api/products/feeds/{feed.Id}", feed)));
        feeds.MapDelete("/{id:guid}", async (Guid id, CurrentUser caller, Feeds.Feeds service, CancellationToken ct) => (await service.DeleteAsync(caller, id, ct)).ToNoContent());
        return endpoints;
    }
}
