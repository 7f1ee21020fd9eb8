using Confluent.Kafka;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Messaging;

/// <summary>
/// Builds the Kafka clients of one process from <see cref="MessagingSettings"/>: one shared idempotent
/// producer (relay and dead-letter writes), an admin client (metadata, topic creation) and consumer
/// configurations. librdkafka's own log lines are routed to <see cref="ILogger"/>, rate-limited.
/// </summary>
internal sealed partial class KafkaClients : IDisposable
{
    private readonly MessagingSettings _settings;
    private readonly ServiceIdentity _identity;
    private readonly MessagingState _state;
    private readonly ILogger<KafkaClients> _logger;
    private readonly LogThrottle _clientErrors;
    private readonly Lock _gate = new();
    private IProducer<byte[]?, byte[]?>? _producer;
    private IAdminClient? _admin;
    private Task<BrokerStatus>? _probe;
    private bool _disposed;

    public KafkaClients(MessagingSettings settings, ServiceIdentity identity, MessagingState state, TimeProvider time, ILogger<KafkaClients> logger)
    {
        _settings = settings;
        _identity = identity;
        _state = state;
        _logger = logger;
        _clientErrors = new LogThrottle(time, settings.ErrorLogInterval);
        Time = time;
    }

    public TimeProvider Time { get; }

    /// <summary>The shared producer, created on first use and again after <see cref="ResetProducer"/>.</summary>
    public IProducer<byte[]?, byte[]?> Producer
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _producer ??= new ProducerBuilder<byte[]?, byte[]?>(CreateProducerConfig())
                    .SetLogHandler((_, message) => OnLog("producer", message))
                    .SetErrorHandler((_, error) => OnError("producer", error))
                    .Build();
            }
        }
    }

    private IAdminClient Admin
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _admin ??= new AdminClientBuilder(CreateClientConfig())
                    .SetLogHandler((_, message) => OnLog("admin", message))
                    .SetErrorHandler((_, error) => OnError("admin", error))
                    .Build();
            }
        }
    }

    /// <summary>
    /// Replaces a producer that reported a fatal error (an idempotent producer cannot continue
    /// after one); the next <see cref="Producer"/> call builds a fresh one.
    /// </summary>
    public void ResetProducer(IProducer<byte[]?, byte[]?> failed)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_producer, failed))
            {
                return;
            }
            _producer = null;
        }
        LogProducerReset();
        failed.Dispose();
    }

    /// <summary>Asks the cluster for its metadata; throws <see cref="KafkaException"/> when unreachable.</summary>
    public Task<Metadata> GetMetadataAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var admin = Admin;
        // GetMetadata blocks inside librdkafka for up to the timeout; callers stop waiting on cancellation.
        return Task.Run(() => admin.GetMetadata(timeout), CancellationToken.None).WaitAsync(cancellationToken);
    }

    /// <summary>Asks the cluster for one topic's metadata (a cluster that auto-creates topics creates it).</summary>
    public Task<Metadata> GetMetadataAsync(string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var admin = Admin;
        return Task.Run(() => admin.GetMetadata(topic, timeout), CancellationToken.None).WaitAsync(cancellationToken);
    }

    /// <summary>Broker reachability, refreshed at most every <paramref name="maxAge"/> (health checks poll often).</summary>
    public Task<BrokerStatus> GetBrokerStatusAsync(TimeSpan maxAge)
    {
        lock (_gate)
        {
            var current = _probe;
            if (current is not null && (!current.IsCompleted || Time.GetUtcNow() - current.Result.CheckedAt < maxAge))
            {
                return current;
            }
            return _probe = ProbeAsync();
        }
    }

    public Task CreateTopicsAsync(IEnumerable<Confluent.Kafka.Admin.TopicSpecification> topics, TimeSpan timeout) =>
        Admin.CreateTopicsAsync(topics, new Confluent.Kafka.Admin.CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout });

    public ConsumerConfig CreateConsumerConfig()
    {
        var config = new ConsumerConfig(Merge(
            new Dictionary<string, string>
            {
                ["client.id"] = _identity.AppName,
                // A new group must see the events published before it first started (REL-25).
                ["auto.offset.reset"] = "earliest",
                ["log.connection.close"] = "false",
                // A dead instance's partitions move after 10 s instead of 45 s. On librdkafka's mock
                // cluster the 45 s / 3 s defaults also stall a rebalance until the session expires
                // when a second member joins (measured; bench/results/messaging.md).
                ["session.timeout.ms"] = "10000",
                ["heartbeat.interval.ms"] = "1000",
                // Kafka answers a fetch as soon as data arrives; the mock cluster always waits the
                // full interval, so the 500 ms default would add up to 500 ms per hop locally.
                ["fetch.wait.max.ms"] = "100",
            },
            _settings.ClientProperties,
            _settings.ConsumerProperties))
        {
            BootstrapServers = _settings.BootstrapServers,
            GroupId = _settings.ConsumerGroup,
            // Offsets are committed by the consumer loop, only after the handler's transaction commits.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
        };
        return config;
    }

    private ProducerConfig CreateProducerConfig() =>
        new(Merge(
            new Dictionary<string, string>
            {
                ["client.id"] = _identity.AppName,
                // The relay hands over whole batches at once; waiting for more only adds latency.
                ["linger.ms"] = "1",
                // The Java client's partitioner: the same key maps to the same partition from any client.
                ["partitioner"] = "murmur2_random",
                ["message.timeout.ms"] = ((int)_settings.PublishTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["socket.keepalive.enable"] = "true",
                ["reconnect.backoff.max.ms"] = "2000",
                ["log.connection.close"] = "false",
            },
            _settings.ClientProperties,
            _settings.ProducerProperties))
        {
            BootstrapServers = _settings.BootstrapServers,
            // Broker-side de-duplication of retried batches and no reordering within a partition.
            EnableIdempotence = true,
            Acks = Acks.All,
        };

    private AdminClientConfig CreateClientConfig() =>
        new(Merge(new Dictionary<string, string> { ["client.id"] = _identity.AppName, ["log.connection.close"] = "false" }, _settings.ClientProperties))
        {
            BootstrapServers = _settings.BootstrapServers,
        };

    private static Dictionary<string, string> Merge(params IReadOnlyDictionary<string, string>[] layers)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer)
            {
                merged[key] = value;
            }
        }
        return merged;
    }

    private async Task<BrokerStatus> ProbeAsync()
    {
        try
        {
            var metadata = await GetMetadataAsync(TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
            return new BrokerStatus(true, metadata.Brokers.Count, null, Time.GetUtcNow());
        }
        catch (KafkaException ex)
        {
            return new BrokerStatus(false, 0, ex.Error.Reason, Time.GetUtcNow());
        }
    }

    public void OnError(string client, Error error)
    {
        _state.RecordClientError(client, error.Reason, Time.GetUtcNow());
        if (_clientErrors.TryAcquire(out var suppressed))
        {
            LogClientError(client, error.Code, error.Reason, suppressed);
        }
    }

    private void OnLog(string client, LogMessage message)
    {
        // librdkafka repeats connection failures every few hundred milliseconds while a broker is down.
        if (message.Level <= SyslogLevel.Warning)
        {
            if (_clientErrors.TryAcquire(out var suppressed))
            {
                LogClientMessage(client, message.Facility, message.Message, suppressed);
            }
        }
        else
        {
            LogClientDebug(client, message.Facility, message.Message);
        }
    }

    public void Dispose()
    {
        IProducer<byte[]?, byte[]?>? producer;
        IAdminClient? admin;
        lock (_gate)
        {
            _disposed = true;
            (producer, _producer) = (_producer, null);
            (admin, _admin) = (_admin, null);
        }
        if (producer is not null)
        {
            // Deliveries still in flight were already given up by the relay; their rows stay pending.
            producer.Flush(TimeSpan.FromSeconds(2));
            producer.Dispose();
        }
        admin?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Client} error {Code}: {Reason} ({Suppressed} similar messages suppressed)")]
    private partial void LogClientError(string client, ErrorCode code, string reason, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Client}: [{Facility}] {Text} ({Suppressed} similar messages suppressed)")]
    private partial void LogClientMessage(string client, string facility, string text, int suppressed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka {Client}: [{Facility}] {Text}")]
    private partial void LogClientDebug(string client, string facility, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer hit a fatal error; building a new one")]
    private partial void LogProducerReset();
}

/// <summary>The result of a metadata request.</summary>
internal sealed record BrokerStatus(bool Reachable, int Brokers, string? Error, DateTimeOffset CheckedAt);
