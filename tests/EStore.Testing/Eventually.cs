using System.Collections;
using System.Diagnostics;

namespace EStore.Testing;

/// <summary>Bounded polling for effects that arrive asynchronously (events, replication, revocations, health).</summary>
public static class Eventually
{
    /// <summary>How long a poll waits when the caller names no timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Probes until <paramref name="done"/> holds and returns that value; fails naming <paramref name="what"/> and the last
    /// value (as <paramref name="describe"/> puts it, if given) when <paramref name="timeout"/> passes or
    /// <paramref name="cancellationToken"/> is cancelled first. <see cref="Timeout.InfiniteTimeSpan"/> leaves the bound to the token.
    /// </summary>
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null,
        TimeSpan? interval = null, Func<T, string>? describe = null, CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout ?? DefaultTimeout);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (stop.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {clock.Elapsed.TotalSeconds:0.#} s waiting for {what}; last value: {(describe is null ? Describe(value) : describe(value))}");
            }
            // A deadline that passes mid-wait ends the wait: one last probe at the deadline, then the failure.
            await Task.Delay(interval ?? DefaultInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetAsync(condition, ok => ok, what, timeout, cancellationToken: cancellationToken);

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        GetAsync(() => Task.FromResult(condition()), ok => ok, what, timeout);

    /// <summary>Polls until <paramref name="condition"/> holds; on timeout fails with what <paramref name="describe"/> says then.</summary>
    public static Task TrueAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null) =>
        GetAsync(() => Task.FromResult(condition()), ok => ok, "the condition", timeout, describe: _ => describe());

    private static string Describe(object? value) => value switch
    {
        ICollection collection => $"{collection.Count} items",
        _ => value?.ToString() ?? "null",
    };
}
