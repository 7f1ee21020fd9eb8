namespace EStore.Platform.Discovery;

/// <summary>How discovery-aware HTTP clients pick and retry instances (<c>LoadBalancer:*</c>).</summary>
public sealed class LoadBalancerOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "LoadBalancer";

    /// <summary>How many instances one request may try in total.</summary>
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
}
