using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using EStore.Contracts;

namespace EStore.Order.Tests.Infrastructure;

/// <summary>
/// Delivers every saga event twice: reads order.events, product.events and payment.events as a group of its own and
/// writes each message published since it started once more, right behind the original on the same partition, with
/// the same key, payload and headers but a fresh <c>event-id</c>, so no inbox can drop the copy and each consumer's own
/// idempotency has to hold. Copies carry <see cref="CopyHeader"/> and are not copied again.
/// </summary>
public sealed class EventDoubler : IAsyncDisposable
{
    public const string CopyHeader = "x-test-copy";

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _copies = new();
    private readonly Task _loop;
    private readonly IProducer<string, string> _producer;
    private readonly IConsumer<string, string> _consumer;
    private readonly DateTime _since;
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventDoubler(string bootstrapServers)
    {
        // Messages stamped before now (other tests' sagas) are left alone; a second of slack for clock rounding.
        _since = DateTime.UtcNow.AddSeconds(-1);
        _producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrapServers, Acks = Acks.All, LingerMs = 0 }).Build();
        _consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-doubler-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 50,
        }).SetPartitionsAssignedHandler((_, _) => _assigned.TrySetResult()).Build();
        _consumer.Subscribe([Topics.Order, Topics.Product, Topics.Payment]);
        _loop = Task.Factory.StartNew(Copy, TaskCreationOptions.LongRunning);
    }

    /// <summary>
    /// Waits until the doubler's group has its partitions: before that, a saga can run to its end unseen (the copies
    /// would still come, but only after the test looked).
    /// </summary>
    public Task ReadyAsync(TimeSpan timeout) => _assigned.Task.WaitAsync(timeout);

    /// <summary>How many copies were published, by event type.</summary>
    public IReadOnlyDictionary<string, int> Copies => _copies;

    private void Copy()
    {
        // Bounded by the test: DisposeAsync ends it.
        while (!_stop.IsCancellationRequested)
        {
            var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null || result.IsPartitionEOF || result.Message.Timestamp.UtcDateTime < _since
                || result.Message.Headers.TryGetLastBytes(CopyHeader, out _))
            {
                continue;
            }
            var headers = new Headers();
            foreach (var header in result.Message.Headers.Where(h => h.Key != EventHeaders.EventId))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
            headers.Add(EventHeaders.EventId, Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()));
            headers.Add(CopyHeader, [1]);
            var type = result.Message.Headers.TryGetLastBytes(EventHeaders.EventType, out var bytes) ? Encoding.UTF8.GetString(bytes) : "?";
            // The same partition as the original: consumers see the copy right after it, as a redelivery would come.
            _producer.Produce(result.TopicPartition, new Message<string, string> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers },
                report =>
                {
                    if (report.Error.Code == ErrorCode.NoError)
                    {
                        _copies.AddOrUpdate(type, 1, (_, n) => n + 1);
                    }
                });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }
}
