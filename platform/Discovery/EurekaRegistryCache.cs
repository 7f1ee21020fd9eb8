using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;

namespace EStore.Platform.Discovery;

/// <summary>
/// The last good copy of the Eureka registry this process fetched. It is kept when every
/// discovery server is unreachable, so calls between services go on during an outage.
/// </summary>
public sealed class EurekaRegistryCache
{
    private volatile FrozenDictionary<string, IReadOnlyList<EurekaInstance>> _apps =
        FrozenDictionary<string, IReadOnlyList<EurekaInstance>>.Empty;

    private CancellationTokenSource _changed = new();

    /// <summary>Raised after a fetch that changed the registry.</summary>
    public event Action? Changed;

    /// <summary>A token that fires at the next change of the registry (what service discovery's watchers wait on).</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>When the last successful fetch completed; null before the first.</summary>
    public DateTimeOffset? LastSuccessfulFetch { get; private set; }

    /// <summary>The error of the last failed fetch, cleared by the next success.</summary>
    public string? LastError { get; private set; }

    /// <summary>Every app's instances (all statuses), keyed by upper-case app name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<EurekaInstance>> Applications => _apps;

    /// <summary>The UP instances of an app (app name in any case); empty when none.</summary>
    public IReadOnlyList<EurekaInstance> GetInstances(string appName) =>
        _apps.TryGetValue(appName.ToUpperInvariant(), out var instances)
            ? instances.Where(i => i.Status == InstanceStatus.Up).ToList()
            : [];

    /// <summary>Replaces the registry with a freshly fetched one.</summary>
    public void Update(IEnumerable<EurekaInstance> instances, DateTimeOffset fetchedAt)
    {
        var next = instances
            .GroupBy(i => i.AppName, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<EurekaInstance>)g.OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var changed = !SameRegistry(_apps, next);
        _apps = next;
        LastSuccessfulFetch = fetchedAt;
        LastError = null;
        if (changed)
        {
            Interlocked.Exchange(ref _changed, new CancellationTokenSource()).Cancel();
            Changed?.Invoke();
        }
    }

    /// <summary>Records a failed fetch; the previous registry stays in use.</summary>
    public void RecordFailure(string error) => LastError = error;

    private static bool SameRegistry(IReadOnlyDictionary<string, IReadOnlyList<EurekaInstance>> a, IReadOnlyDictionary<string, IReadOnlyList<EurekaInstance>> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        foreach (var (app, instances) in a)
        {
            if (!b.TryGetValue(app, out var other) || other.Count != instances.Count)
            {
                return false;
            }
            for (var i = 0; i < instances.Count; i++)
            {
                var x = instances[i];
                var y = other[i];
                if (x.InstanceId != y.InstanceId || x.Status != y.Status || x.HostName != y.HostName || x.Port != y.Port)
                {
                    return false;
                }
            }
        }
        return true;
    }
}
