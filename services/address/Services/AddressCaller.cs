using EStore.Platform.Security;

namespace EStore.Address.Services;

/// <summary>
/// The caller and when their token was issued: a token issued after identity-service disabled the user means it has
/// enabled them again (it issues none to a disabled user). That lifts the hold at once, even before identity's
/// <c>UserEnabled</c> arrives (<see cref="Messaging.UserEnabledHandler"/>).
/// </summary>
public sealed record AddressCaller(CurrentUser User, DateTimeOffset? IssuedAt)
{
    public Guid Id => User.Id;

    /// <summary>Minimal API binding from the validated token; null when anonymous (the group requires a token).</summary>
    public static ValueTask<AddressCaller?> BindAsync(HttpContext context)
    {
        var user = CurrentUser.FromPrincipal(context.User);
        var issued = long.TryParse(context.User.FindFirst("iat")?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        return ValueTask.FromResult(user is null ? null : new AddressCaller(user, issued));
    }

    /// <summary>
    /// True when this token comes from after <paramref name="disabledAt"/>. <c>iat</c> has whole seconds: a token of
    /// the same second as the disabling counts as before it.
    /// </summary>
    public bool IssuedAfter(DateTimeOffset disabledAt) =>
        IssuedAt is { } issued && issued.ToUnixTimeSeconds() > disabledAt.ToUnixTimeSeconds();
}
