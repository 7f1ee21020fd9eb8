namespace EStore.Testing;

/// <summary>Settings that mesh fixtures of several test projects give their processes.</summary>
public static class MeshSettings
{
    /// <summary>
    /// identity-service limits callers itself, per client, and every test calls from one address: tests of the
    /// gateway's limits and of flows that log in many users raise identity's own limits out of the way.
    /// </summary>
    public static void RaiseIdentityRateLimits(IDictionary<string, string?> identityEnvironment)
    {
        foreach (var endpoint in (string[])["Login", "Register", "ForgotPassword", "ResetPassword", "ResendVerification"])
        {
            identityEnvironment[$"Identity__RateLimits__{endpoint}__PermitLimit"] = "100000";
        }
    }
}
