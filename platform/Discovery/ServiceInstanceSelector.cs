using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>
/// Chooses the instance of an app a call goes to: round robin over its UP instances, avoiding
/// instances that recently refused a connection (passive health) and those already tried for
/// the current request.
/// </summary>
public sealed class ServiceInstanceSelector(EurekaRegistryCache registry, IOptionsMonitor<LoadBalancerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _cursors = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _suspectUntil = new(StringComparer.Ordinal);

    /// <summary>The next instance of <paramref name="appName"/>, or null when it has none left to try.</summary>
    /// <param name="appName">The app name, in any case.</param>
    /// <param name="exclude">Instance ids already tried for this request.</param>
    public EurekaInstance? Select(string appName, IReadOnlySet<string> exclude)
    {
        var candidates = registry.GetInstances(appName).Where(i => !exclude.Contains(i.InstanceId)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var healthy = candidates.Where(i => !_suspectUntil.TryGetValue(i.InstanceId, out var until) || until <= now).ToList();
        // When every instance is suspect, try them anyway: one may have recovered.
        var pool = healthy.Count > 0 ? healthy : candidates;
        var cursor = _cursors.AddOrUpdate(appName, 0, (_, c) => unchecked(c + 1));
        return pool[(int)((uint)cursor % (uint)pool.Count)];
    }

    /// <summary>Instances avoided now because they recently refused a connection.</summary>
    public IReadOnlyList<string> SuspectInstanceIds
    {
        get
        {
            var now = time.GetUtcNow();
            return _suspectUntil.Where(s => s.Value > now).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Avoids an instance for <see cref="LoadBalancerOptions.SuspectSeconds"/>.</summary>
    public void ReportConnectionFailure(EurekaInstance instance) =>
        _suspectUntil[instance.InstanceId] = time.GetUtcNow().AddSeconds(options.CurrentValue.SuspectSeconds);

    /// <summary>Clears an instance's suspicion after it answered.</summary>
    public void ReportSuccess(EurekaInstance instance) => _suspectUntil.TryRemove(instance.InstanceId, out _);
}
