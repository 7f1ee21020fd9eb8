using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EStore.Platform.Discovery;

/// <summary>One Polly pipeline per instance: an attempt timeout inside a circuit breaker.</summary>
public sealed class InstanceResiliencePipelines(IOptionsMonitor<LoadBalancerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);

    /// <summary>The pipeline of an instance, created on first use.</summary>
    public ResiliencePipeline<HttpResponseMessage> For(EurekaInstance instance) =>
        _pipelines.GetOrAdd(instance.InstanceId, _ => Create(options.CurrentValue));

    private ResiliencePipeline<HttpResponseMessage> Create(LoadBalancerOptions settings) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = settings.CircuitFailureRatio,
                MinimumThroughput = Math.Max(2, settings.CircuitMinimumThroughput),
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(0.5, settings.CircuitSamplingSeconds)),
                BreakDuration = TimeSpan.FromSeconds(Math.Max(0.5, settings.CircuitBreakSeconds)),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500),
            })
            .AddTimeout(TimeSpan.FromSeconds(Math.Max(0.1, settings.AttemptTimeoutSeconds)))
            .Build();
}
