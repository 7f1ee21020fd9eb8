using EStore.Platform.Errors;
using EStore.Platform.Security;

namespace EStore.Notification.Apis;

/// <summary><c>/api/notifications</c>: notification-service's endpoints, every one for signed-in callers.</summary>
public static class NotificationApi
{
    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/notifications").WithTags("Notification")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        // Map the service's endpoints on the group here.

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }
}
