namespace EStore.Platform.Messaging;

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
