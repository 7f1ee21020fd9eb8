using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace EStore.Platform.Discovery;

/// <summary>
/// Passive health of the instances this process calls: an instance that refused a connection (or whose circuit
/// is open) is left out of the endpoints service discovery hands out for <see cref="LoadBalancerOptions.SuspectSeconds"/>,
/// so callers stop choosing a dead instance before the registry drops it. Instances are keyed by their
/// authority (<c>host:port</c>), which is all a handler behind the resolver sees.
/// </summary>
public sealed class PassiveInstanceHealth(EurekaRegistryCache registry, IOptionsMonitor<LoadBalancerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _suspectUntil = new(StringComparer.OrdinalIgnoreCase);
    private CancellationTokenSource _changed = new();

    /// <summary>Whether calls should avoid this instance now.</summary>
    public bool IsSuspect(EurekaInstance instance) =>
        _suspectUntil.TryGetValue(instance.BaseUri.Authority, out var until) && until > time.GetUtcNow();

    /// <summary>When the earliest current suspicion ends; null when no instance is suspect.</summary>
    public DateTimeOffset? NextExpiry
    {
        get
        {
            var now = time.GetUtcNow();
            var pending = _suspectUntil.Values.Where(until => until > now).ToList();
            return pending.Count == 0 ? null : pending.Min();
        }
    }

    /// <summary>Instance ids avoided now, in order.</summary>
    public IReadOnlyList<string> SuspectInstanceIds =>
        [.. registry.Applications.Values.SelectMany(instances => instances).Where(IsSuspect).Select(i => i.InstanceId).Order(StringComparer.Ordinal)];

    /// <summary>A token that fires when an instance becomes suspect or is cleared.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>Avoids the instance at <paramref name="authority"/> for <see cref="LoadBalancerOptions.SuspectSeconds"/>.</summary>
    public void ReportConnectionFailure(string authority)
    {
        var now = time.GetUtcNow();
        var wasSuspect = _suspectUntil.TryGetValue(authority, out var until) && until > now;
        _suspectUntil[authority] = now.AddSeconds(options.CurrentValue.SuspectSeconds);
        // Only a new suspicion changes the endpoints handed out; each call failing on an already avoided
        // instance would otherwise make every caller resolve again.
        if (!wasSuspect)
        {
            Changed();
        }
    }

    /// <summary>Clears the suspicion of the instance at <paramref name="authority"/> after it answered.</summary>
    public void ReportSuccess(string authority)
    {
        if (_suspectUntil.TryRemove(authority, out _))
        {
            Changed();
        }
    }

    private void Changed() => Interlocked.Exchange(ref _changed, new CancellationTokenSource()).Cancel();
}
