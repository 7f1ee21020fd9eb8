using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace EStore.Platform.Errors;

/// <summary>The answer for paths under a service's prefix that no endpoint serves.</summary>
public static class UnknownPaths
{
    /// <summary>
    /// Maps catch-alls under <paramref name="group"/> that answer 404 with the platform's problem body, after the
    /// group's own authorization: on a group that needs a token, an unknown path is 401 without one, as it is at the
    /// gateway. Specific routes always win. The catch-all for methods with a body declares optional JSON as the
    /// endpoints do; without that, a POST or PUT with no Content-Type would land here (404) instead of at its
    /// endpoint (400: a body is required).
    /// </summary>
    public static RouteGroupBuilder MapUnknownPaths(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapMethods("{**path}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Delete, HttpMethods.Options], NotFound)
            .WithOrder(int.MaxValue).ExcludeFromDescription();
        group.MapMethods("{**path}", [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch], NotFound)
            .WithOrder(int.MaxValue).ExcludeFromDescription()
            .WithMetadata(new AcceptsMetadata(["application/json"], isOptional: true));
        return group;
    }

    // The status code pages turn the bare 404 into the problem body, as for any other unknown path.
    private static IResult NotFound() => TypedResults.NotFound();
}
