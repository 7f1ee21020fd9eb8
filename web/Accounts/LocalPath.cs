namespace EStore.Web.Accounts;

/// <summary>Where to go after signing in: only a path of this site, never another host (no open redirect).</summary>
public static class LocalPath
{
    public static string OrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } path && path[0] == '/' && !path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("/\\", StringComparison.Ordinal)
            ? path
            : "/";
}
