using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;

namespace EStore.Identity.Controllers;

/// <summary><c>/api/users/me</c> (the caller's own account) and the administrators' <c>/api/users</c>.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var me = endpoints.MapGroup("/api/users/me").WithTags("Profile").NoStore().RequireAuthorization(AuthorizationPolicies.Authenticated);
        me.MapGet("", GetMeAsync).Produces<UserDto>();
        me.MapPut("", UpdateMeAsync).Produces<UserDto>();
        me.MapPost("/change-password", ChangePasswordAsync);
        me.MapDelete("", DeactivateAsync);

        var admin = endpoints.MapGroup("/api/users").WithTags("Users").NoStore().RequireAuthorization(AuthorizationPolicies.Admin);
        admin.MapGet("", ListAsync).Produces<PagedResult<AdminUserDto>>();
        admin.MapGet("/{id}", GetAsync).Produces<AdminUserDto>();
        admin.MapPut("/{id}/roles", SetRolesAsync).Produces<AdminUserDto>();
        admin.MapPost("/{id}/disable", DisableAsync).Produces<AdminUserDto>();
        admin.MapPost("/{id}/enable", EnableAsync).Produces<AdminUserDto>();
        return endpoints;
    }

    private static async Task<IResult> GetMeAsync(CurrentUser caller, AccountService accounts, CancellationToken cancellationToken) =>
        (await accounts.GetProfileAsync(caller, cancellationToken)).ToResult(Results.Ok);

    private static async Task<IResult> UpdateMeAsync(CurrentUser caller, UpdateProfileRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : (await accounts.UpdateProfileAsync(caller, request, cancellationToken)).ToResult(Results.Ok);

    private static async Task<IResult> ChangePasswordAsync(CurrentUser caller, ChangePasswordRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : await accounts.ChangePasswordAsync(caller, request, cancellationToken) is { } failure ? failure.ToResult() : Results.NoContent();

    private static async Task<IResult> DeactivateAsync(CurrentUser caller, AccountService accounts, CancellationToken cancellationToken) =>
        await accounts.DeactivateAsync(caller, cancellationToken) is { } failure ? failure.ToResult() : Results.NoContent();

    private static async Task<IResult> ListAsync(UserAdminService users, string? page, string? size, string? search, CancellationToken cancellationToken)
    {
        if (!PageQuery.TryParse(page, size, defaultSize: 20, maxSize: UserAdminService.MaxPageSize, out var paging, out var invalid))
        {
            return invalid;
        }
        if (search is { Length: > 254 })
        {
            return ProblemResponses.BadRequest("'search' must be at most 254 characters long.");
        }
        return Results.Ok(await users.ListAsync(paging, search, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string id, UserAdminService users, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var userId)
            ? (await users.GetAsync(userId, cancellationToken)).ToResult(Results.Ok)
            : BadId(id);

    private static async Task<IResult> SetRolesAsync(string id, CurrentUser caller, SetRolesRequest? request, UserAdminService users, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return BadId(id);
        }
        return request is null
            ? EndpointConventions.MissingBody()
            : (await users.SetRolesAsync(caller, userId, request, cancellationToken)).ToResult(Results.Ok);
    }

    private static async Task<IResult> DisableAsync(string id, CurrentUser caller, DisableUserRequest? request, UserAdminService users, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var userId)
            ? (await users.DisableAsync(caller, userId, request?.Reason, cancellationToken)).ToResult(Results.Ok)
            : BadId(id);

    private static async Task<IResult> EnableAsync(string id, CurrentUser caller, UserAdminService users, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var userId)
            ? (await users.EnableAsync(caller, userId, cancellationToken)).ToResult(Results.Ok)
            : BadId(id);

    private static IResult BadId(string id) =>
        ProblemResponses.BadRequest($"'{(id.Length > 40 ? id[..40] + "..." : id)}' is not a user id (a UUID).");
}
