using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Identity.Apis;

/// <summary><c>/api/users/me</c> (the caller's own account) and the administrators' <c>/api/users</c>.</summary>
public static class UserApi
{
    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder endpoints)
    {
        var me = endpoints.MapGroup("/api/users/me").WithTags("Profile").NoStore().RequireAuthorization(AuthorizationPolicies.Authenticated);
        me.MapGet("", async (CurrentUser caller, AccountService accounts, CancellationToken ct) =>
            (await accounts.GetProfileAsync(caller, ct)).ToOk());
        me.MapPut("", async (CurrentUser caller, UpdateProfileRequest request, AccountService accounts, CancellationToken ct) =>
            (await accounts.UpdateProfileAsync(caller, request, ct)).ToOk());
        me.MapPost("/change-password", async (CurrentUser caller, ChangePasswordRequest request, AccountService accounts, CancellationToken ct) =>
            (await accounts.ChangePasswordAsync(caller, request, ct)).ToNoContent());
        me.MapDelete("", async (CurrentUser caller, AccountService accounts, CancellationToken ct) =>
            (await accounts.DeactivateAsync(caller, ct)).ToNoContent());

        var admin = endpoints.MapGroup("/api/users").WithTags("Users").NoStore().RequireAuthorization(AuthorizationPolicies.Admin);
        admin.MapGet("", ListAsync);
        admin.MapGet("/{id:guid}", async (Guid id, UserAdminService users, CancellationToken ct) => (await users.GetAsync(id, ct)).ToOk());
        admin.MapPut("/{id:guid}/roles", async (Guid id, CurrentUser caller, SetRolesRequest request, UserAdminService users, CancellationToken ct) =>
            (await users.SetRolesAsync(caller, id, request, ct)).ToOk());
        // The reason is optional, and so is the body that carries it.
        admin.MapPost("/{id:guid}/disable", async (Guid id, CurrentUser caller, DisableUserRequest? request, UserAdminService users, CancellationToken ct) =>
            (await users.DisableAsync(caller, id, request?.Reason, ct)).ToOk());
        admin.MapPost("/{id:guid}/enable", async (Guid id, CurrentUser caller, UserAdminService users, CancellationToken ct) =>
            (await users.EnableAsync(caller, id, ct)).ToOk());
        return endpoints;
    }

    private static async Task<Results<Ok<PagedResult<AdminUserDto>>, ProblemResult>> ListAsync(
        UserAdminService users, PageQuery paging, string? search, CancellationToken cancellationToken)
    {
        if (search is { Length: > 254 })
        {
            return ProblemResponses.BadRequest("'search' must be at most 254 characters long.");
        }
        return TypedResults.Ok(await users.ListAsync(paging, search, cancellationToken));
    }
}
