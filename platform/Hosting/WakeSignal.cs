namespace EStore.Platform.Hosting;

/// <summary>
/// Wakes one polling background worker early: work queued by this process is picked up at once, and work of other
/// instances at the worker's next poll. Wake-ups while the worker is busy fold into one. Derive a type per worker so
/// each has its own singleton.
/// </summary>
public class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Wakes the worker, or leaves it woken once if it is not waiting.</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread woke it first.
            }
        }
    }

    /// <summary>Waits for a wake-up or the timeout; true when woken.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
