using EStore.Discovery.Registry;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Security;

/// <summary>
/// Startup checks of the security and lease limit settings whose messages must name the exact
/// key at fault (a per-app secret), which the lambda-based <c>Validate</c> overloads cannot.
/// Each failure reads "Key: problem", the form the platform's startup reporter prints as one line.
/// </summary>
internal sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryServerOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryServerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxClockSkewSeconds < 0)
        {
            failures.Add("Discovery:MaxClockSkewSeconds: must not be negative.");
        }
        if (options.MaxLeaseDurationSeconds <= 0)
        {
            failures.Add("Discovery:MaxLeaseDurationSeconds: must be positive.");
        }
        var security = options.Security;
        if (security.Enabled)
        {
            foreach (var (principal, secret) in security.Apps)
            {
                if (string.IsNullOrWhiteSpace(secret))
                {
                    failures.Add($"Discovery:Security:Apps:{principal}: is empty; give it a secret or remove it.");
                }
            }
            if (!security.Apps.Values.Any(s => !string.IsNullOrWhiteSpace(s)))
            {
                failures.Add("Discovery:Security:Apps: names no secret while Discovery:Security:Enabled is true; "
                    + "set Discovery:Security:Apps:<app-name> (plus 'discovery' and 'admin'), or Discovery:Security:Enabled=false.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
