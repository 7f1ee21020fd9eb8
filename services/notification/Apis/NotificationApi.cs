using EStore.Notification.Dtos;
using EStore.Notification.Services;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Notification.Apis;

/// <summary>
/// <c>/api/notifications</c>: a user's own mails and preferences; administrators list every mail and resend one.
/// A user sees only mails of their own (an id is never taken from them), so nobody learns of another's mail.
/// </summary>
public static class NotificationApi
{
    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/notifications").WithTags("Notification")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapGet("", async (CurrentUser caller, PageQuery paging, NotificationService notifications, CancellationToken ct) =>
            TypedResults.Ok(await notifications.ListOwnAsync(caller, paging, ct)));
        group.MapGet("/preferences", async (CurrentUser caller, NotificationService notifications, CancellationToken ct) =>
            TypedResults.Ok(await notifications.GetPreferencesAsync(caller, ct)));
        group.MapPut("/preferences", async (CurrentUser caller, PreferencesRequest request, NotificationService notifications, CancellationToken ct) =>
            TypedResults.Ok(await notifications.SetPreferencesAsync(caller, request, ct)));

        // Administrators only (403 for anyone else, here as at the gateway).
        var admin = group.MapGroup("").RequireAuthorization(AuthorizationPolicies.Admin);
        admin.MapGet("/all", ListAllAsync);
        admin.MapPost("/{id:guid}/resend", async (Guid id, NotificationService notifications, CancellationToken ct) =>
            (await notifications.ResendAsync(id, ct)).ToOk());

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }

    private static async Task<Results<Ok<PagedResult<MailDto>>, ProblemResult>> ListAllAsync(
        PageQuery paging, string? status, string? kind, Guid? userId, string? to, NotificationService notifications, CancellationToken cancellationToken) =>
        (await notifications.ListAllAsync(paging, status, kind, userId, to, cancellationToken)).ToOk();
}
