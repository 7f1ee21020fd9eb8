using System.Diagnostics;
using OpenTelemetry.Trace;

namespace EStore.Platform.Observability;

/// <summary>
/// The SDK's parent-based ratio sampler, minus client calls made outside any request or message (Eureka heartbeats,
/// outbox polling, and their Npgsql commands) unless <see cref="ObservabilitySettings.TraceBackgroundCalls"/>: a
/// sampler is the one place that sees both HttpClient's and Npgsql's spans before they are made.
/// </summary>
internal sealed class TracingSampler(ObservabilitySettings settings) : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly Sampler _parentBased = new ParentBasedSampler(
        settings.SamplingRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(settings.SamplingRatio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client && samplingParameters.ParentContext.TraceId == default && !settings.TraceBackgroundCalls
            ? Drop
            : _parentBased.ShouldSample(samplingParameters);
}
