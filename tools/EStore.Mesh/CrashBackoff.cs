namespace EStore.Mesh;

/// <summary>What to do after an instance crashed.</summary>
/// <param name="GiveUp">True: it crashed soon after starting too many times in a row; leave it down.</param>
/// <param name="Delay">How long to wait before starting it again.</param>
/// <param name="Restart">Which restart this will be (1 for the first).</param>
public sealed record CrashDecision(bool GiveUp, TimeSpan Delay, int Restart);

/// <summary>
/// The restart rule of one instance, as compose's <c>restart: on-failure</c> with a back-off: a crash after a long
/// run is restarted after <see cref="MinDelay"/>; each crash within <see cref="FastCrashWindow"/> of its start
/// doubles the delay up to <see cref="MaxDelay"/>, and after <see cref="MaxFastCrashes"/> such crashes in a row the
/// instance is given up on (a process that cannot start would otherwise spin forever).
/// </summary>
public sealed class CrashBackoff
{
    private int _fastCrashes;

    /// <summary>The delay before the first restart after a long run.</summary>
    public TimeSpan MinDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between restarts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A crash this soon after the instance started counts as a fast crash.</summary>
    public TimeSpan FastCrashWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fast crashes in a row after which the instance stays down.</summary>
    public int MaxFastCrashes { get; init; } = 5;

    /// <summary>Restarts decided so far.</summary>
    public int Restarts { get; private set; }

    /// <summary>Decides after a crash of an instance that had been up for <paramref name="uptime"/>.</summary>
    public CrashDecision OnCrash(TimeSpan uptime)
    {
        _fastCrashes = uptime < FastCrashWindow ? _fastCrashes + 1 : 1;
        if (_fastCrashes > MaxFastCrashes)
        {
            return new CrashDecision(true, TimeSpan.Zero, Restarts);
        }

        Restarts++;
        var delay = TimeSpan.FromTicks(MinDelay.Ticks << Math.Min(_fastCrashes - 1, 20));
        return new CrashDecision(false, delay < MaxDelay ? delay : MaxDelay, Restarts);
    }
}
