using System.Text.Json;
using EStore.Identity.Data;
using EStore.Identity.Dtos;

namespace EStore.Identity.Services;

/// <summary>Entity to DTO, in one place, so no response ever carries a hash, lockout data or tokens by accident.</summary>
public static class UserMapping
{
    public static UserDto ToDto(this User user) => new(
        user.Id,
        user.Email,
        user.Name,
        user.Phone,
        ReadPreferences(user.PreferencesJson),
        [.. user.Roles],
        user.EmailVerified,
        Utc(user.CreatedAt));

    public static AdminUserDto ToAdminDto(this User user, DateTime now) => new(
        user.Id,
        user.Email,
        user.Name,
        user.Phone,
        [.. user.Roles],
        user.EmailVerified,
        user.Status.ToString(),
        user.StatusReason,
        user.LockoutEnd > now ? Utc(user.LockoutEnd.Value) : null,
        Utc(user.CreatedAt),
        Utc(user.UpdatedAt));

    public static IReadOnlyDictionary<string, string> ReadPreferences(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static string WritePreferences(IReadOnlyDictionary<string, string>? preferences) =>
        JsonSerializer.Serialize(preferences ?? new Dictionary<string, string>());

    public static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
