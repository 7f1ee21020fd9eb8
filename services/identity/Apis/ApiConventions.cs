namespace EStore.Identity.Apis;

/// <summary>What every identity endpoint shares.</summary>
internal static class ApiConventions
{
    /// <summary>Responses carry tokens and personal data: no cache may keep them (RFC 6749 §5.1, ASVS 14.3).</summary>
    public static RouteGroupBuilder NoStore(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            context.HttpContext.Response.Headers.Pragma = "no-cache";
            return await next(context);
        });
}
