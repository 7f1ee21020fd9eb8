using EStore.Platform.Hosting;

namespace EStore.Platform.Discovery;

/// <summary>How calls to <c>http://app-name/</c> pick, retry and protect instances (<c>LoadBalancer:*</c>).</summary>
public sealed class LoadBalancerOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "LoadBalancer";

    /// <summary>How many attempts one request may make in total (each resolves an instance again).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Time limit of one attempt, in seconds.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// After a connection failure an instance is avoided for this long, in seconds (passive
    /// health), so callers stop choosing a dead instance before the registry drops it.
    /// </summary>
    public double SuspectSeconds { get; set; } = 15;

    /// <summary>Share of failed calls within <see cref="CircuitSamplingSeconds"/> that opens an instance's circuit.</summary>
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed within the sampling window before the circuit may open.</summary>
    public int CircuitMinimumThroughput { get; set; } = 5;

    /// <summary>The circuit breaker's sampling window, in seconds.</summary>
    public double CircuitSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open circuit rejects calls, in seconds.</summary>
    public double CircuitBreakSeconds { get; set; } = 15;

    /// <inheritdoc/>
    public void Validate(OptionsCheck check)
    {
        // Within the bounds the resilience strategies accept.
        check.Range(MaxAttempts, 1, 10);
        check.Range(AttemptTimeoutSeconds, 0.01, 86_400);
        check.Range(SuspectSeconds, 0, 86_400);
        check.Require(CircuitFailureRatio is > 0 and <= 1, nameof(CircuitFailureRatio), FormattableString.Invariant($"'{CircuitFailureRatio}' must be above 0 and at most 1."));
        check.AtLeast(CircuitMinimumThroughput, 2);
        check.Range(CircuitSamplingSeconds, 0.5, 86_400);
        check.Range(CircuitBreakSeconds, 0.5, 86_400);
    }
}
