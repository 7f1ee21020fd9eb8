namespace EStore.Mesh.Tests;

public sealed class CrashBackoffTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongRun = TimeSpan.FromMinutes(10);

    [Fact]
    public void Crashes_soon_after_start_double_the_delay_up_to_the_cap_then_the_instance_is_given_up()
    {
        var backoff = new CrashBackoff { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5), MaxFastCrashes = 4 };

        var delays = Enumerable.Range(0, 4).Select(_ => backoff.OnCrash(Fast)).ToList();
        var last = backoff.OnCrash(Fast);

        Assert.Equal([1, 2, 4, 5], delays.Select(d => d.Delay.TotalSeconds));
        Assert.Equal([1, 2, 3, 4], delays.Select(d => d.Restart));
        Assert.All(delays, d => Assert.False(d.GiveUp));
        Assert.True(last.GiveUp);
        Assert.Equal(4, backoff.Restarts);
    }

    [Fact]
    public void A_crash_after_a_long_run_starts_the_count_again_with_the_shortest_delay()
    {
        var backoff = new CrashBackoff { MinDelay = TimeSpan.FromSeconds(1), MaxFastCrashes = 2 };
        backoff.OnCrash(Fast);
        backoff.OnCrash(Fast);

        var afterLongRun = backoff.OnCrash(LongRun);
        var thenFast = backoff.OnCrash(Fast);

        Assert.False(afterLongRun.GiveUp);
        Assert.Equal(TimeSpan.FromSeconds(1), afterLongRun.Delay);
        Assert.False(thenFast.GiveUp);
        Assert.Equal(TimeSpan.FromSeconds(2), thenFast.Delay);
        Assert.Equal(4, backoff.Restarts);
    }
}
