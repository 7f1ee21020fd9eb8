namespace EStore.Identity.Tests.Infrastructure;

/// <summary>
/// The real clock plus an offset the test moves. Only "now" shifts: timers still run in real time, so the
/// outbox relay, consumers and hosted services keep working while a test jumps past an expiry.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
