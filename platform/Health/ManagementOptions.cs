using EStore.Platform.Hosting;

namespace EStore.Platform.Health;

/// <summary>
/// Where the management endpoints (<c>/actuator</c>, <c>/actuator/info</c>, <c>/actuator/metrics*</c>,
/// <c>/actuator/prometheus</c>, <c>/actuator/gateway/*</c>) answer, read from <c>Management:*</c>.
/// <c>/actuator/health</c> and its sub-paths stay public on every port.
/// </summary>
public sealed class ManagementOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Management";

    /// <summary>Configuration key of the management port.</summary>
    public const string PortKey = "Management:Port";

    /// <summary>
    /// The port the management endpoints answer on (0 = a free port, announced next to the main address).
    /// Unset: there is no management port, and the management endpoints answer on the main port to callers
    /// with an admin token only (or nowhere, in a process that validates no tokens).
    /// </summary>
    public int? Port { get; set; }

    void IValidatedOptions.Validate(OptionsCheck check) =>
        check.Require(Port is null or (>= 0 and <= 65_535), nameof(Port), $"'{Port}' is not a port from 0 to 65535.");
}
