using System.Globalization;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Health;

/// <summary>
/// Where the management endpoints (<c>/actuator</c>, <c>/actuator/info</c>, <c>/actuator/metrics*</c>,
/// <c>/actuator/prometheus</c>, <c>/actuator/gateway/*</c>) answer, read from <c>Management:*</c>.
/// <c>/actuator/health</c> and its sub-paths stay public on every port.
/// </summary>
public sealed class ManagementOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Management";

    /// <summary>Configuration key of the management port.</summary>
    public const string PortKey = "Management:Port";

    /// <summary>
    /// The port the management endpoints answer on (0 = a free port, announced next to the main address).
    /// Unset: there is no management port, and the management endpoints answer on the main port to callers
    /// with an admin token only (or nowhere, in a process that validates no tokens).
    /// </summary>
    public int? Port { get; set; }

    // The raw text, kept so that a malformed value is reported by the validator instead of failing in the binder.
    internal string? PortText { get; set; }

    internal static void Read(ManagementOptions options, string? text)
    {
        options.PortText = text;
        options.Port = string.IsNullOrWhiteSpace(text)
            ? null
            : int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : -1;
    }
}

/// <summary>Checks <see cref="ManagementOptions"/> at startup.</summary>
internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options) =>
        options.Port is { } port && (port < 0 || port > 65_535)
            ? ValidateOptionsResult.Fail($"{ManagementOptions.PortKey}: '{options.PortText}' is not a port from 0 to 65535.")
            : ValidateOptionsResult.Success;
}
