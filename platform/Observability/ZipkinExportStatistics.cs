namespace EStore.Platform.Observability;

/// <summary>
/// Counters of the Zipkin export pipeline. The queue limit is enforced here, so the queue's length
/// is known and never exceeds the limit.
/// </summary>
public sealed class ZipkinExportStatistics
{
    private readonly int _maxQueueSize;
    private long _queued;
    private long _maxQueued;
    private long _exported;
    private long _droppedQueueFull;
    private long _droppedExportFailed;

    internal ZipkinExportStatistics(int maxQueueSize) => _maxQueueSize = maxQueueSize;

    /// <summary>The queue's limit.</summary>
    public int MaxQueueSize => _maxQueueSize;

    /// <summary>Spans waiting for export now.</summary>
    public long QueueLength => Interlocked.Read(ref _queued);

    /// <summary>The longest the queue has been.</summary>
    public long MaxQueueLengthSeen => Interlocked.Read(ref _maxQueued);

    /// <summary>Spans Zipkin accepted.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Spans dropped because the queue was full (Zipkin slow or away).</summary>
    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);

    /// <summary>Spans dropped because their POST failed (Zipkin unreachable or refusing).</summary>
    public long DroppedExportFailed => Interlocked.Read(ref _droppedExportFailed);

    /// <summary>All spans dropped.</summary>
    public long Dropped => DroppedQueueFull + DroppedExportFailed;

    /// <summary>Takes a place in the queue: the queue's new length, or 0 when it is full (the span is dropped).</summary>
    internal long TryEnqueue()
    {
        var length = Interlocked.Increment(ref _queued);
        if (length > _maxQueueSize)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _droppedQueueFull);
            return 0;
        }
        var seen = Interlocked.Read(ref _maxQueued);
        while (length > seen)
        {
            var previous = Interlocked.CompareExchange(ref _maxQueued, length, seen);
            if (previous == seen)
            {
                break;
            }
            seen = previous;
        }
        return length;
    }

    internal void Dequeued(int count) => Interlocked.Add(ref _queued, -count);

    internal void Succeeded(int count) => Interlocked.Add(ref _exported, count);

    internal void Failed(int count) => Interlocked.Add(ref _droppedExportFailed, count);
}
