namespace EStore.Platform.Messaging;

/// <summary>
/// Lets one log line through per interval and counts the rest, so a broker outage produces a
/// line every half minute instead of thousands (REL-26).
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval)
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

/// <summary>Exponential backoff with jitter.</summary>
internal static class Backoff
{
    /// <summary>
    /// The delay after <paramref name="failures"/> consecutive failures: min·2^(n-1), capped at max,
    /// of which half is random so that instances retrying the same outage spread out.
    /// </summary>
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max)
    {
        var exponential = min.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
    }
}
