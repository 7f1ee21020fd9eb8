namespace EStore.Identity.Dtos;

/// <summary>An account as its owner sees it (<c>/api/users/me</c>); nothing secret (no hash, lockout or tokens).</summary>
public sealed record UserDto(
    Guid Id,
    string Email,
    string Name,
    string? Phone,
    IReadOnlyDictionary<string, string> Preferences,
    IReadOnlyList<string> Roles,
    bool EmailVerified,
    DateTimeOffset CreatedAt);

/// <summary>An account as administrators see it.</summary>
public sealed record AdminUserDto(
    Guid Id,
    string Email,
    string Name,
    string? Phone,
    IReadOnlyList<string> Roles,
    bool EmailVerified,
    string Status,
    string? StatusReason,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary><c>PUT /api/users/me</c>: the whole editable profile (absent optional fields are cleared).</summary>
public sealed record UpdateProfileRequest(string? Name, string? Phone, Dictionary<string, string>? Preferences);

/// <summary><c>POST /api/users/me/change-password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary><c>PUT /api/users/{id}/roles</c>: the complete set of roles.</summary>
public sealed record SetRolesRequest(List<string>? Roles);

/// <summary><c>POST /api/users/{id}/disable</c>.</summary>
public sealed record DisableUserRequest(string? Reason);

/// <summary>One page of a list, with the total count for pagination.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int Size, int Total);
