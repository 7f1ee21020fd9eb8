using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Hosting;
using EStore.Platform.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Messaging;

/// <summary>
/// The service's consumer: one member of the group named after the app, subscribed to every topic
/// it has handlers for. Each message is dispatched by its <c>event-type</c> header; the handlers'
/// effect and the inbox row commit in one transaction, and only then is the offset committed
/// (at-least-once delivery, exactly-once effect). Poison messages go to <c>&lt;topic&gt;.dlq</c>.
/// </summary>
internal sealed partial class KafkaConsumerService<TContext> : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TopicWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LagRefresh = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan InboxCleanupInterval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    // Same statement on PostgreSQL and SQLite (3.24+).
    private const string InboxInsert = $$"""
        INSERT INTO {{MessagingModelBuilderExtensions.InboxTable}} (consumer, event_id, event_type, topic, kafka_partition, kafka_offset, processed_at)
        VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6})
        ON CONFLICT DO NOTHING
        """;

    private readonly IServiceScopeFactory _scopes;
    private readonly KafkaClients _kafka;
    private readonly TopicProvisioner _topics;
    private readonly MessagingTopology _topology;
    private readonly MessagingSettings _settings;
    private readonly MessagingState _state;
    private readonly MessagingMetrics _metrics;
    private readonly MessagingTracing _tracing;
    private readonly OutboxSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogThrottle _errors;
    // Cancelled only when the host's shutdown timeout runs out: until then the handler in hand finishes.
    private readonly CancellationTokenSource _abort = new();
    // Next offset to commit per partition: only messages whose transaction has committed.
    private readonly Dictionary<TopicPartition, Offset> _handled = [];
    private DateTimeOffset _lastCommit;
    private DateTimeOffset _nextLag;
    private DateTimeOffset _nextInboxCleanup;

    public KafkaConsumerService(IServiceScopeFactory scopes, KafkaClients kafka, TopicProvisioner topics, MessagingTopology topology, MessagingSettings settings,
        MessagingState state, MessagingMetrics metrics, MessagingTracing tracing, OutboxSignal signal, TimeProvider time, ILogger<KafkaConsumerService<TContext>> logger)
    {
        _scopes = scopes;
        _kafka = kafka;
        _topics = topics;
        _topology = topology;
        _settings = settings;
        _state = state;
        _metrics = metrics;
        _tracing = tracing;
        _signal = signal;
        _time = time;
        _logger = logger;
        _errors = new LogThrottle(time, settings.ErrorLogInterval);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // librdkafka's Consume blocks; a dedicated thread keeps that off the small thread pool.
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                finished.TrySetResult();
            }
            catch (Exception ex)
            {
                LogConsumerCrashed(ex);
                finished.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "kafka-consumer",
        };
        thread.Start();
        return finished.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Graceful first: stop taking messages, finish the one in hand, commit, leave the group.
        // Only when the host stops waiting is the in-flight handler cancelled.
        await using var abort = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private void Run(CancellationToken stoppingToken)
    {
        WaitForTopics(stoppingToken);
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        var consumer = Build();
        consumer.Subscribe(_topology.ConsumedTopics);
        _lastCommit = _time.GetUtcNow();
        LogStarted(_settings.ConsumerGroup, string.Join(", ", _topology.ConsumedTopics));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException ex)
                {
                    _kafka.OnError("consumer", ex.Error);
                    if (ex.Error.IsFatal)
                    {
                        // A new member cannot commit the old one's offsets; the inbox absorbs the redelivery.
                        _handled.Clear();
                        consumer.Dispose();
                        consumer = Build();
                        consumer.Subscribe(_topology.ConsumedTopics);
                    }
                    continue;
                }

                if (result is not null && !result.IsPartitionEOF)
                {
                    if (!ProcessAsync(result, _abort.Token).GetAwaiter().GetResult())
                    {
                        // Abandoned by a hard shutdown: not committed, so it is delivered again.
                        break;
                    }
                    _handled[result.TopicPartition] = result.Offset + 1;
                }
                if (_handled.Count > 0 && _time.GetUtcNow() - _lastCommit >= _settings.CommitInterval)
                {
                    Commit(consumer, _handled.Keys.ToList());
                }
                Housekeeping(consumer, stoppingToken);
            }
        }
        finally
        {
            Commit(consumer, _handled.Keys.ToList());
            try
            {
                consumer.Close();
            }
            catch (KafkaException ex)
            {
                _kafka.OnError("consumer", ex.Error);
            }
            consumer.Dispose();
            _state.RecordConsumer(false, 0, new Dictionary<string, long>());
            LogStopped(_settings.ConsumerGroup);
        }
    }

    private IConsumer<byte[]?, byte[]?> Build() =>
        new ConsumerBuilder<byte[]?, byte[]?>(_kafka.CreateConsumerConfig())
            .SetErrorHandler((_, error) => _kafka.OnError("consumer", error))
            .SetLogHandler((_, message) =>
            {
                if (message.Level <= SyslogLevel.Warning)
                {
                    _kafka.OnError("consumer", new Error(ErrorCode.Local_Fail, $"[{message.Facility}] {message.Message}"));
                }
            })
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                LogAssigned(partitions.Count, Describe(partitions));
                _nextLag = DateTimeOffset.MinValue;
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                // Eager rebalance: commit what this member handled before another member takes over.
                var revoked = partitions.Select(p => p.TopicPartition).ToList();
                Commit(c, revoked);
                foreach (var partition in revoked)
                {
                    _handled.Remove(partition);
                }
                LogRevoked(revoked.Count);
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                // Lost, not revoked: the group has moved on and a commit would be rejected.
                foreach (var partition in partitions)
                {
                    _handled.Remove(partition.TopicPartition);
                }
                LogLost(partitions.Count);
            })
            .Build();

    private void WaitForTopics(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TopicWait);
        try
        {
            _topics.EnsureAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is KafkaException or OperationCanceledException)
        {
            // Subscribe anyway: the topics may exist, or the relay creates them once the broker answers.
            LogTopicsNotReady(ex is KafkaException kafka ? kafka.Error.Reason : "timed out");
        }
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<TopicPartition> partitions)
    {
        var offsets = partitions.Where(_handled.ContainsKey).Select(p => new TopicPartitionOffset(p, _handled[p])).ToList();
        if (offsets.Count == 0)
        {
            return;
        }
        // Also after a failure: the next attempt waits for the interval instead of every poll.
        _lastCommit = _time.GetUtcNow();
        try
        {
            consumer.Commit(offsets);
            foreach (var offset in offsets)
            {
                // Keep entries that moved on meanwhile (not possible on this thread, but cheap to respect).
                if (_handled.TryGetValue(offset.TopicPartition, out var current) && current == offset.Offset)
                {
                    _handled.Remove(offset.TopicPartition);
                }
            }
        }
        catch (KafkaException ex)
        {
            // Kept for the next attempt; if the partition moves first, the inbox absorbs the redelivery.
            // A rebalance in progress is routine when an instance joins or leaves: not worth a warning.
            if (ex.Error.Code != ErrorCode.RebalanceInProgress)
            {
                _kafka.OnError("consumer", ex.Error);
            }
        }
    }

    private void Housekeeping(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        if (now >= _nextLag)
        {
            _nextLag = now + LagRefresh;
            var lag = new Dictionary<string, long>(StringComparer.Ordinal);
            var assignment = consumer.Assignment;
            foreach (var partition in assignment)
            {
                // Both values are cached by librdkafka from fetch responses: no broker round trip.
                var high = consumer.GetWatermarkOffsets(partition).High;
                var position = consumer.Position(partition);
                if (high.Value >= 0 && position.Value >= 0)
                {
                    lag[partition.Topic] = lag.GetValueOrDefault(partition.Topic) + Math.Max(0, high.Value - position.Value);
                }
            }
            _state.RecordConsumer(true, assignment.Count, lag);
            if (!_topics.IsDone)
            {
                _ = _topics.EnsureAsync(stoppingToken).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
        }
        if (now >= _nextInboxCleanup)
        {
            _nextInboxCleanup = now + InboxCleanupInterval;
            try
            {
                CleanInboxAsync(now, stoppingToken).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or OperationCanceledException)
            {
                LogInboxCleanupFailed(ex.GetBaseException().Message);
            }
        }
    }

    private async Task CleanInboxAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var cutoff = (now - _settings.InboxRetention).UtcDateTime;
        var group = _settings.ConsumerGroup;
        await db.Set<InboxMessage>().Where(m => m.Consumer == group && m.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Handles, skips or dead-letters one message; false when a hard shutdown abandoned it.</summary>
    private async Task<bool> ProcessAsync(ConsumeResult<byte[]?, byte[]?> result, CancellationToken cancellationToken)
    {
        // The CONSUMER span is a child of the producer's: handler work and follow-up events join its trace.
        using var span = _tracing.StartConsumer(result.Topic,
            name => result.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var value) ? value : null,
            _settings.ConsumerGroup, result.Partition.Value, result.Offset.Value,
            result.Message.Key is { } messageKey ? Encoding.UTF8.GetString(messageKey) : null);
        var topic = result.Topic;
        var typeName = Header(result, EventHeaders.EventType);
        if (typeName is null)
        {
            return await DeadLetterAsync(result, "deserialization", $"the message has no {EventHeaders.EventType} header", 0, cancellationToken);
        }
        if (!_topology.Handlers.TryGetValue(typeName, out var handlers))
        {
            // Another consumer's event on a shared topic, or a newer producer's type: not ours.
            _metrics.Consumed(topic, typeName, "ignored");
            return true;
        }

        IIntegrationEvent @event;
        Guid eventId;
        try
        {
            @event = EventJson.Deserialize(result.Message.Value ?? [], handlers[0].EventType.ClrType);
            var idHeader = Header(result, EventHeaders.EventId);
            eventId = idHeader is null ? @event.EventId : Guid.Parse(idHeader, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or FormatException or ArgumentException or InvalidOperationException)
        {
            // Retrying cannot fix a payload: straight to the dead-letter topic.
            return await DeadLetterAsync(result, "deserialization", ex.Message, 0, cancellationToken);
        }

        var failures = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var handled = await HandleAsync(result, @event, eventId, typeName, handlers, attempt, cancellationToken);
                _metrics.Consumed(topic, typeName, handled ? "handled" : "duplicate");
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                var transient = IsTransient(ex);
                if (!transient)
                {
                    failures++;
                    if (failures >= _settings.MaxAttempts)
                    {
                        MessagingTracing.RecordError(span, ex);
                        return await DeadLetterAsync(result, "handler", ex.GetBaseException().Message, attempt, cancellationToken);
                    }
                }
                // A database outage is not the message's fault: it waits (blocking its partition)
                // instead of using up its attempts and landing in the dead-letter topic.
                _metrics.Retried(topic, typeName);
                if (_errors.TryAcquire(out var suppressed))
                {
                    LogHandlerFailed(ex, typeName, eventId, attempt, transient, suppressed);
                }
                if (!await DelayAsync(attempt, cancellationToken))
                {
                    return false;
                }
            }
        }
    }

    /// <summary>One attempt in one transaction; true when handled, false when the event id was already in the inbox.</summary>
    private async Task<bool> HandleAsync(ConsumeResult<byte[]?, byte[]?> result, IIntegrationEvent @event, Guid eventId, string typeName,
        IReadOnlyList<HandlerRegistration> handlers, int attempt, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var group = _settings.ConsumerGroup;
        var context = new EventContext(eventId, typeName, result.Topic, result.Partition.Value, result.Offset.Value,
            result.Message.Key is { } key ? Encoding.UTF8.GetString(key) : null, Header(result, EventHeaders.TraceParent), attempt);

        // Through the execution strategy, in case the service enabled retry-on-failure (it
        // rejects user transactions otherwise); each try starts from a clean change tracker.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            // The inbox row goes in first and without an error on a duplicate. A second consumer
            // holding the same event (during a rebalance) blocks on the key until this transaction
            // ends, then inserts nothing if it committed.
            object[] row = [group, eventId, typeName, result.Topic, result.Partition.Value, result.Offset.Value, _time.GetUtcNow().UtcDateTime];
            if (await db.Database.ExecuteSqlRawAsync(InboxInsert, row, token) == 0)
            {
                return false;
            }
            foreach (var handler in handlers)
            {
                await handler.Invoke(scope.ServiceProvider, @event, context, token);
            }
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            if (scope.ServiceProvider.GetRequiredService<IEventOutbox>() is EventOutbox<TContext> { HasEvents: true })
            {
                // The handlers' follow-up events are committed: publish them now, not at the next poll.
                _signal.Wake();
            }
            return true;
        }, cancellationToken);
    }

    private async Task<bool> DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> result, string reason, string error, int attempts, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            if (!header.Key.StartsWith("dlq-", StringComparison.Ordinal))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }
        headers.Add(DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(error.Length > 1000 ? error[..1000] : error));
        headers.Add(DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(reason));
        headers.Add(DeadLetterHeaders.Attempts, Encoding.UTF8.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes(result.Topic));
        headers.Add(DeadLetterHeaders.OriginalPartition, Encoding.UTF8.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalOffset, Encoding.UTF8.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.ConsumerGroup, Encoding.UTF8.GetBytes(_settings.ConsumerGroup));
        var message = new Message<byte[]?, byte[]?> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers };
        var deadLetterTopic = Topics.DeadLetterOf(result.Topic);

        // The offset moves on only once the dead-letter copy is safe; meanwhile the partition waits.
        for (var failures = 1; ; failures++)
        {
            var producer = _kafka.Producer;
            try
            {
                await producer.ProduceAsync(deadLetterTopic, message, cancellationToken);
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (KafkaException ex)
            {
                if (ex.Error.IsFatal)
                {
                    _kafka.ResetProducer(producer);
                }
                _kafka.OnError("producer", ex.Error);
                if (!await DelayAsync(failures, cancellationToken))
                {
                    return false;
                }
            }
        }
        _metrics.DeadLettered(result.Topic, reason);
        LogDeadLettered(result.Topic, result.Partition.Value, result.Offset.Value, deadLetterTopic, reason, error);
        return true;
    }

    private async Task<bool> DelayAsync(int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Backoff.Delay(attempt, _settings.RetryBackoff, MaxRetryDelay), _time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static bool IsTransient(Exception ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    private static string? Header(ConsumeResult<byte[]?, byte[]?> result, string name) =>
        result.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.GroupBy(p => p.Topic).Select(g => $"{g.Key}[{string.Join(",", g.Select(p => p.Partition.Value).Order())}]"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka consumer group {Group} subscribed to {Topics}")]
    private partial void LogStarted(string group, string topics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka consumer group {Group} left")]
    private partial void LogStopped(string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned {Count} partitions: {Partitions}")]
    private partial void LogAssigned(int count, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked {Count} partitions")]
    private partial void LogRevoked(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost {Count} partitions")]
    private partial void LogLost(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka topics not ready ({Reason}); subscribing anyway")]
    private partial void LogTopicsNotReady(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler for {EventType} {EventId} failed (attempt {Attempt}, transient {Transient}; {Suppressed} similar messages suppressed); retrying")]
    private partial void LogHandlerFailed(Exception ex, string eventType, Guid eventId, int attempt, bool transient, int suppressed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Moved {Topic}[{Partition}]@{Offset} to {DeadLetterTopic} ({Reason}): {Error}")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string deadLetterTopic, string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox cleanup failed: {Error}")]
    private partial void LogInboxCleanupFailed(string error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka consumer loop crashed")]
    private partial void LogConsumerCrashed(Exception ex);
}
