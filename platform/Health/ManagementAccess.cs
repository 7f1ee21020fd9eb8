using EStore.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Platform.Health;

/// <summary>
/// Decides who reaches the management endpoints, once for every process, before routing (so the gateway never
/// proxies them and no endpoint can forget a check):
/// <list type="bullet">
/// <item><c>/actuator/health</c> and its sub-paths: everyone, on every port; component details only on the
/// management port or to an admin token (see <see cref="MayShowHealthDetailsAsync"/>).</item>
/// <item>Any other <c>/actuator</c> path with a management port: that port only; 404 on the main port.</item>
/// <item>Without a management port: callers with a valid token carrying the <c>admin</c> role (401 without a
/// valid token, 403 with another role); 404 in a process that validates no tokens (discovery).</item>
/// <item>On the management port, everything but <c>/actuator</c> is 404: it is not a second way into the API.</item>
/// </list>
/// </summary>
internal sealed class ManagementAccess(RequestDelegate next, ManagementPort management)
{
    // On the gateway's hot path: a path check, and a port comparison only when a management port exists.
    public Task InvokeAsync(HttpContext http)
    {
        var kind = Classify(http.Request.Path);
        if (kind == PathKind.Health)
        {
            return next(http);
        }
        if (!management.Enabled)
        {
            return kind == PathKind.Other ? next(http) : RequireAdminAsync(http);
        }
        var onManagementPort = management.IsManagementConnection(http);
        return kind == PathKind.Other
            ? (onManagementPort ? NotFound(http) : next(http))
            : (onManagementPort ? next(http) : NotFound(http));
    }

    internal enum PathKind
    {
        Other,
        Health,
        Management,
    }

    /// <summary>
    /// Sorts a request path. Leading and doubled slashes are ignored and case does not matter, as in routing,
    /// so <c>//ACTUATOR/metrics</c> is a management path too.
    /// </summary>
    internal static PathKind Classify(PathString path)
    {
        var rest = path.Value.AsSpan().TrimStart('/');
        if (!TrySegment(ref rest, "actuator"))
        {
            return PathKind.Other;
        }
        return TrySegment(ref rest, "health") ? PathKind.Health : PathKind.Management;
    }

    private static bool TrySegment(ref ReadOnlySpan<char> rest, string segment)
    {
        if (!rest.StartsWith(segment, StringComparison.OrdinalIgnoreCase)
            || (rest.Length > segment.Length && rest[segment.Length] != '/'))
        {
            return false;
        }
        rest = rest[segment.Length..].TrimStart('/');
        return true;
    }

    private async Task RequireAdminAsync(HttpContext http)
    {
        var authentication = http.RequestServices.GetService<ManagementAuthentication>();
        switch (await AdminCheckAsync(http, authentication))
        {
            case AdminCheck.NoValidation:
                // No token validation here, so no caller can prove to be an administrator.
                await NotFound(http);
                return;
            case AdminCheck.Unauthenticated:
                await http.ChallengeAsync(authentication!.Scheme);
                return;
            case AdminCheck.NotAdmin:
                await http.ForbidAsync(authentication!.Scheme);
                return;
            default:
                await next(http);
                return;
        }
    }

    /// <summary>
    /// True when the caller may see full health details: on the management port, or with a valid access token
    /// carrying the <c>admin</c> role in a process that validates tokens (Spring's <c>show-details: when-authorized</c>).
    /// </summary>
    internal static async Task<bool> MayShowHealthDetailsAsync(HttpContext http)
    {
        if (http.RequestServices.GetService<ManagementPort>() is { } management && management.IsManagementConnection(http))
        {
            return true;
        }
        return await AdminCheckAsync(http, http.RequestServices.GetService<ManagementAuthentication>()) == AdminCheck.Admin;
    }

    private enum AdminCheck
    {
        NoValidation,
        Unauthenticated,
        NotAdmin,
        Admin,
    }

    // Authenticates the bearer token, if the process validates tokens; on success the principal becomes http.User.
    private static async Task<AdminCheck> AdminCheckAsync(HttpContext http, ManagementAuthentication? authentication)
    {
        if (authentication is null)
        {
            return AdminCheck.NoValidation;
        }
        var result = await http.AuthenticateAsync(authentication.Scheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            return AdminCheck.Unauthenticated;
        }
        if (!principal.IsInRole(authentication.AdminRole))
        {
            return AdminCheck.NotAdmin;
        }
        http.User = principal;
        return AdminCheck.Admin;
    }

    private static Task NotFound(HttpContext http) =>
        ProblemResponses.NotFound("Not found.").ExecuteAsync(http);
}

/// <summary>
/// How a process that validates tokens recognises an administrator at the management endpoints: the authentication
/// scheme and the role. The security building block registers it; without it no caller can prove to be one.
/// </summary>
/// <param name="Scheme">The authentication scheme that reads the caller's token.</param>
/// <param name="AdminRole">The role an administrator's token carries.</param>
public sealed record ManagementAuthentication(string Scheme, string AdminRole);
