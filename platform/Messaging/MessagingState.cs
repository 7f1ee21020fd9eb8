namespace EStore.Platform.Messaging;

/// <summary>What the relay and the consumer last saw, for the health component and the gauges.</summary>
internal sealed class MessagingState
{
    private readonly Lock _gate = new();
    private IReadOnlyDictionary<string, long> _lag = new Dictionary<string, long>();

    public long OutboxBacklog { get; private set; }
    public DateTime? OldestPendingAt { get; private set; }
    public DateTimeOffset? LastPublishedAt { get; private set; }
    public string? LastPublishError { get; private set; }
    public DateTimeOffset? LastPublishErrorAt { get; private set; }
    public bool PublishFailing { get; private set; }
    public int AssignedPartitions { get; private set; }
    public string? LastClientError { get; private set; }
    public DateTimeOffset? LastClientErrorAt { get; private set; }
    public bool ConsumerRunning { get; private set; }

    public IReadOnlyDictionary<string, long> ConsumerLag
    {
        get
        {
            lock (_gate)
            {
                return _lag;
            }
        }
    }

    public void RecordBacklog(long count, DateTime? oldest)
    {
        lock (_gate)
        {
            OutboxBacklog = count;
            OldestPendingAt = oldest;
        }
    }

    public void RecordPublished(DateTimeOffset at)
    {
        lock (_gate)
        {
            LastPublishedAt = at;
            PublishFailing = false;
        }
    }

    public void RecordPublishFailure(string error, DateTimeOffset at)
    {
        lock (_gate)
        {
            LastPublishError = error;
            LastPublishErrorAt = at;
            PublishFailing = true;
        }
    }

    public void RecordClientError(string client, string error, DateTimeOffset at)
    {
        lock (_gate)
        {
            LastClientError = $"{client}: {error}";
            LastClientErrorAt = at;
        }
    }

    public void RecordConsumer(bool running, int assignedPartitions, IReadOnlyDictionary<string, long> lag)
    {
        lock (_gate)
        {
            ConsumerRunning = running;
            AssignedPartitions = assignedPartitions;
            _lag = lag;
        }
    }
}
