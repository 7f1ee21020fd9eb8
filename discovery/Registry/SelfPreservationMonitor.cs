using Microsoft.Extensions.Options;

namespace EStore.Discovery.Registry;

/// <summary>
/// Eureka's self-preservation arithmetic. The server expects every registered client to renew
/// every <c>ExpectedClientRenewalIntervalSeconds</c>; when the renewals of the last complete
/// minute do not exceed <c>RenewalPercentThreshold</c> of that, it assumes a network problem
/// rather than mass death and stops evicting. Thread-safe; never calls back into the registry.
/// </summary>
public sealed class SelfPreservationMonitor
{
    private const long MinuteMs = 60_000;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SelfPreservationOptions _options;
    private readonly long _startedAt;
    private int _expectedClients;
    private long _bucket;
    private long _currentCount;
    private long _lastMinuteCount;

    /// <summary>Starts counting at the configured expected clients; minutes are counted from now.</summary>
    public SelfPreservationMonitor(TimeProvider time, IOptions<DiscoveryServerOptions> options)
    {
        _time = time;
        _options = options.Value.SelfPreservation;
        _startedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        _expectedClients = Math.Max(0, _options.ExpectedClientsAtStart);
    }

    /// <summary>Counts one renewal (local or replicated: both prove a client is alive).</summary>
    public void RecordRenewal()
    {
        lock (_gate)
        {
            Roll();
            _currentCount++;
        }
    }

    /// <summary>A lease that did not exist before was created.</summary>
    public void ClientRegistered()
    {
        lock (_gate)
        {
            // Eureka counts only up from a positive value: a Netflix server opened with zero waits for the recount.
            if (_expectedClients > 0)
            {
                _expectedClients++;
            }
        }
    }

    /// <summary>A lease was cancelled or evicted.</summary>
    public void ClientCancelled()
    {
        lock (_gate)
        {
            if (_expectedClients > 0)
            {
                _expectedClients--;
            }
        }
    }

    /// <summary>
    /// The periodic recount: adopt the registry size as the expected client count unless it
    /// fell below the threshold share of the current expectation (then a mass disappearance is
    /// under way, and lowering the bar would let eviction resume). Returns true when adopted.
    /// </summary>
    public bool Recount(int registeredInstances)
    {
        lock (_gate)
        {
            if (!_options.Enabled || registeredInstances > _options.RenewalPercentThreshold * _expectedClients)
            {
                _expectedClients = registeredInstances;
                return true;
            }
            return false;
        }
    }

    /// <summary>True when expired leases may be evicted.</summary>
    public bool IsLeaseExpirationEnabled => Snapshot().LeaseExpirationEnabled;

    /// <summary>The current figures, for eviction, the dashboard and health.</summary>
    public SelfPreservationState Snapshot()
    {
        lock (_gate)
        {
            Roll();
            var threshold = (int)(_expectedClients * (60.0 / Math.Max(1, _options.ExpectedClientRenewalIntervalSeconds)) * _options.RenewalPercentThreshold);
            var expirationEnabled = !_options.Enabled || (threshold > 0 && _lastMinuteCount > threshold);
            return new SelfPreservationState(_options.Enabled, _expectedClients, threshold, _lastMinuteCount, expirationEnabled);
        }
    }

    // Minute buckets counted from server start: "last minute" is the previous complete bucket,
    // so it is 0 during the first minute (and eviction is off then), as in Eureka's MeasuredRate.
    private void Roll()
    {
        var bucket = (_time.GetUtcNow().ToUnixTimeMilliseconds() - _startedAt) / MinuteMs;
        if (bucket == _bucket)
        {
            return;
        }
        _lastMinuteCount = bucket == _bucket + 1 ? _currentCount : 0;
        _currentCount = 0;
        _bucket = bucket;
    }
}

/// <summary>Self-preservation figures at one moment.</summary>
/// <param name="Enabled">Whether self-preservation is configured on.</param>
/// <param name="ExpectedClients">Clients expected to renew.</param>
/// <param name="RenewsThreshold">Renewals per minute that must be exceeded for eviction to run.</param>
/// <param name="RenewsLastMinute">Renewals counted in the last complete minute.</param>
/// <param name="LeaseExpirationEnabled">Whether eviction runs.</param>
public sealed record SelfPreservationState(bool Enabled, int ExpectedClients, int RenewsThreshold, long RenewsLastMinute, bool LeaseExpirationEnabled)
{
    /// <summary>True when self-preservation currently holds back eviction (Spring's EMERGENCY banner).</summary>
    public bool Active => Enabled && !LeaseExpirationEnabled;
}
