using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>How calls to <c>http://app-name/</c> pick, retry and protect instances (<c>LoadBalancer:*</c>).</summary>
public sealed class LoadBalancerOptions
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
}

/// <summary>Checks <see cref="LoadBalancerOptions"/> at startup, within the bounds the resilience strategies accept.</summary>
internal sealed class LoadBalancerOptionsValidator : IValidateOptions<LoadBalancerOptions>
{
    public ValidateOptionsResult Validate(string? name, LoadBalancerOptions options)
    {
        List<string> problems = [];
        Check(options.MaxAttempts is >= 1 and <= 10, nameof(options.MaxAttempts), options.MaxAttempts, "from 1 to 10");
        Check(options.AttemptTimeoutSeconds is >= 0.01 and <= 86_400, nameof(options.AttemptTimeoutSeconds), options.AttemptTimeoutSeconds, "from 0.01 to 86400");
        Check(options.SuspectSeconds is >= 0 and <= 86_400, nameof(options.SuspectSeconds), options.SuspectSeconds, "from 0 to 86400");
        Check(options.CircuitFailureRatio is > 0 and <= 1, nameof(options.CircuitFailureRatio), options.CircuitFailureRatio, "above 0 and at most 1");
        Check(options.CircuitMinimumThroughput >= 2, nameof(options.CircuitMinimumThroughput), options.CircuitMinimumThroughput, "at least 2");
        Check(options.CircuitSamplingSeconds is >= 0.5 and <= 86_400, nameof(options.CircuitSamplingSeconds), options.CircuitSamplingSeconds, "from 0.5 to 86400");
        Check(options.CircuitBreakSeconds is >= 0.5 and <= 86_400, nameof(options.CircuitBreakSeconds), options.CircuitBreakSeconds, "from 0.5 to 86400");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

        void Check(bool valid, string key, object value, string range)
        {
            if (!valid)
            {
                problems.Add(FormattableString.Invariant($"{LoadBalancerOptions.Section}:{key}: '{value}' must be {range}."));
            }
        }
    }
}
