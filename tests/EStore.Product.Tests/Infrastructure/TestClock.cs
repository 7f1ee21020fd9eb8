namespace EStore.Product.Tests.Infrastructure;

/// <summary>
/// The real clock plus an offset the test moves. Only "now" shifts: timers still run in real time, so an instance's
/// workers keep polling while a test jumps past a lease or a retention period.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
