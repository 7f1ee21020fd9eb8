namespace EStore.Platform.Hosting;

/// <summary>
/// Lets one log line through per interval and counts the rest, so an outage (broker, Zipkin) produces
/// a line every interval instead of thousands (REL-26). Thread-safe.
/// </summary>
/// <param name="time">The clock.</param>
/// <param name="interval">At most one line per interval.</param>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private int _suppressed;

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is how many were dropped since the last one.</summary>
    public bool TryAcquire(out int suppressed)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now < _next)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }
            _next = now + interval;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
