namespace EStore.Notification.Delivery;

/// <summary>When a failed mail is tried again: the wait doubles from the first to the longest, and after the last attempt it is failed.</summary>
public sealed record RetrySchedule(int MaxAttempts, TimeSpan Initial, TimeSpan Max)
{
    public static RetrySchedule From(NotificationOptions options) =>
        new(options.MaxAttempts, TimeSpan.FromMilliseconds(options.RetryInitialMs), TimeSpan.FromMilliseconds(options.RetryMaxMs));

    /// <summary>Whether a mail that has failed <paramref name="attempts"/> times is given up.</summary>
    public bool IsExhausted(int attempts) => attempts >= MaxAttempts;

    /// <summary>The wait after the <paramref name="attempts"/>th failed attempt (1 = the first).</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var delay = Initial.Ticks * Math.Pow(2, doublings);
        return delay >= Max.Ticks ? Max : TimeSpan.FromTicks((long)delay);
    }
}
