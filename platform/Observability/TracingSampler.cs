using System.Diagnostics;
using OpenTelemetry.Trace;

namespace EStore.Platform.Observability;

/// <summary>
/// Parent-based sampling with a ratio for new traces, minus the noise: requests to excluded paths
/// (health probes, Eureka), client calls made outside any request or message, and YARP's health probes.
/// </summary>
internal sealed class TracingSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly Sampler _parentBased;
    private readonly string[] _excludedPaths;
    private readonly bool _traceBackgroundCalls;

    public TracingSampler(ObservabilitySettings settings)
    {
        Sampler root = settings.SamplingRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(settings.SamplingRatio);
        _parentBased = new ParentBasedSampler(root);
        _excludedPaths = [.. settings.ExcludedPaths];
        _traceBackgroundCalls = settings.TraceBackgroundCalls;
        Description = $"EStoreSampler{{{root.Description}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var isRoot = samplingParameters.ParentContext.TraceId == default;
        switch (samplingParameters.Kind)
        {
            case ActivityKind.Server when IsExcludedPath(samplingParameters.Tags):
                return Drop;
            case ActivityKind.Client when isRoot && !_traceBackgroundCalls:
                return Drop;
        }
        if (isRoot && samplingParameters.Name is "proxy.cluster_health_checks" or "proxy.destination_health_check")
        {
            return Drop;
        }
        return _parentBased.ShouldSample(samplingParameters);
    }

    private bool IsExcludedPath(IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        if (tags is null || _excludedPaths.Length == 0)
        {
            return false;
        }
        foreach (var tag in tags)
        {
            if (tag.Key == "url.path" && tag.Value is string path)
            {
                foreach (var prefix in _excludedPaths)
                {
                    if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                        && (path.Length == prefix.Length || path[prefix.Length] == '/' || prefix.EndsWith('/')))
                    {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }
}
