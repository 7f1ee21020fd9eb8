using EStore.Platform.Hosting;
using EStore.Platform.Kafka;

namespace EStore.Platform.Messaging;

/// <summary><c>Messaging:*</c>: the outbox relay, the consumer and the retention of their tables.</summary>
public sealed class MessagingOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Messaging";

    /// <summary><c>Messaging:Relay:*</c>.</summary>
    public RelayOptions Relay { get; set; } = new();
    /// <summary><c>Messaging:Outbox:*</c>.</summary>
    public OutboxOptions Outbox { get; set; } = new();
    /// <summary><c>Messaging:Consumer:*</c>.</summary>
    public ConsumerOptions Consumer { get; set; } = new();
    /// <summary><c>Messaging:Inbox:*</c>.</summary>
    public InboxOptions Inbox { get; set; } = new();
    /// <summary>At most one log line per this many seconds for a repeating Kafka error.</summary>
    public int ErrorLogIntervalSeconds { get; set; } = 30;

    /// <inheritdoc/>
    public void Validate(OptionsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        check.Range(Relay.BatchSize, 1, 10_000);
        check.Range(Relay.PollIntervalMs, 10, 3_600_000);
        check.Range(Relay.LeaseSeconds, 1, 86_400);
        check.Range(Relay.PublishTimeoutSeconds, 1, 3_600);
        check.Range(Relay.MinBackoffMs, 1, 3_600_000);
        check.Range(Relay.MaxBackoffMs, 1, 3_600_000);
        check.Range(Outbox.RetentionHours, 0, 24 * 365);
        check.Range(Consumer.MaxAttempts, 1, 100);
        check.Range(Consumer.RetryBackoffMs, 0, 600_000);
        check.Range(Consumer.CommitIntervalMs, 0, 600_000);
        check.Range(Inbox.RetentionDays, 1, 3650);
        check.Range(ErrorLogIntervalSeconds, 0, 86_400);
        // A lease shorter than a publish could let a second relay publish rows the first still holds.
        check.Require(Relay.LeaseSeconds > Relay.PublishTimeoutSeconds + 5, "Relay.LeaseSeconds",
            $"must exceed {MessagingSettings.RelayPublishTimeoutKey} by more than 5 seconds ({Relay.LeaseSeconds} <= {Relay.PublishTimeoutSeconds} + 5).");
        check.Require(Relay.MaxBackoffMs >= Relay.MinBackoffMs, "Relay.MaxBackoffMs", $"must not be below {MessagingSettings.RelayMinBackoffKey}.");
    }

    /// <summary><c>Messaging:Relay:*</c>.</summary>
    public sealed class RelayOptions
    {
        /// <summary>Whether this instance runs the outbox relay.</summary>
        public bool Enabled { get; set; } = true;
        /// <summary>Outbox rows claimed and published at a time.</summary>
        public int BatchSize { get; set; } = 100;
        /// <summary>How often an idle relay looks for rows other instances wrote.</summary>
        public int PollIntervalMs { get; set; } = 1000;
        /// <summary>How long a claim on outbox rows lasts.</summary>
        public int LeaseSeconds { get; set; } = 60;
        /// <summary>How long one publish may wait for the broker.</summary>
        public int PublishTimeoutSeconds { get; set; } = 30;
        /// <summary>First retry delay while publishing fails.</summary>
        public int MinBackoffMs { get; set; } = 200;
        /// <summary>Longest retry delay while publishing fails.</summary>
        public int MaxBackoffMs { get; set; } = 30_000;
    }

    /// <summary><c>Messaging:Outbox:*</c>.</summary>
    public sealed class OutboxOptions
    {
        /// <summary>How long sent outbox rows are kept.</summary>
        public int RetentionHours { get; set; } = 24;
    }

    /// <summary><c>Messaging:Consumer:*</c>.</summary>
    public sealed class ConsumerOptions
    {
        /// <summary>Whether this instance consumes.</summary>
        public bool Enabled { get; set; } = true;
        /// <summary>The consumer group; unset, the app name.</summary>
        public string? GroupId { get; set; }
        /// <summary>Handler attempts before a message goes to the dead-letter topic.</summary>
        public int MaxAttempts { get; set; } = 5;
        /// <summary>First delay between handler attempts, doubled each time.</summary>
        public int RetryBackoffMs { get; set; } = 200;
        /// <summary>Longest time handled offsets wait before they are committed (0 commits after every message).</summary>
        public int CommitIntervalMs { get; set; } = 1000;
    }

    /// <summary><c>Messaging:Inbox:*</c>.</summary>
    public sealed class InboxOptions
    {
        /// <summary>How long processed event ids are remembered.</summary>
        public int RetentionDays { get; set; } = 7;
    }
}

/// <summary>
/// What the event bus runs with, resolved once at startup from validated <see cref="KafkaOptions"/> and
/// <see cref="MessagingOptions"/> (platform/Messaging/README.md lists every key).
/// </summary>
public sealed record MessagingSettings
{
    /// <summary>Configuration key of the brokers (required).</summary>
    public const string BootstrapServersKey = "Kafka:BootstrapServers";

    /// <summary>How long one publish may wait for the broker (librdkafka message.timeout.ms; default 30 s).</summary>
    public const string RelayPublishTimeoutKey = "Messaging:Relay:PublishTimeoutSeconds";
    /// <summary>First retry delay while publishing fails (default 200 ms).</summary>
    public const string RelayMinBackoffKey = "Messaging:Relay:MinBackoffMs";

    /// <summary>The brokers, <c>host:port</c> comma-separated.</summary>
    public required string BootstrapServers { get; init; }
    /// <summary>Partitions of created topics.</summary>
    public int Partitions { get; init; } = 6;
    /// <summary>Replication factor of created topics; 0 for the cluster's broker count, at most 3.</summary>
    public int ReplicationFactor { get; init; }
    /// <summary>Whether missing topics are created at startup.</summary>
    public bool CreateTopics { get; init; } = true;
    /// <summary>librdkafka properties for every client.</summary>
    public IReadOnlyDictionary<string, string> ClientProperties { get; init; } = new Dictionary<string, string>();
    /// <summary>librdkafka properties for the producer.</summary>
    public IReadOnlyDictionary<string, string> ProducerProperties { get; init; } = new Dictionary<string, string>();
    /// <summary>librdkafka properties for the consumer.</summary>
    public IReadOnlyDictionary<string, string> ConsumerProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the relay runs here.</summary>
    public bool RelayEnabled { get; init; } = true;
    /// <summary>Rows per claim.</summary>
    public int RelayBatchSize { get; init; } = 100;
    /// <summary>Idle poll interval of the relay.</summary>
    public TimeSpan RelayPollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Lease on claimed rows.</summary>
    public TimeSpan RelayLease { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Delivery timeout of one publish.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>First backoff delay.</summary>
    public TimeSpan RelayMinBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Longest backoff delay.</summary>
    public TimeSpan RelayMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Retention of sent outbox rows.</summary>
    public TimeSpan OutboxRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Whether the consumer runs here.</summary>
    public bool ConsumerEnabled { get; init; } = true;
    /// <summary>The consumer group.</summary>
    public required string ConsumerGroup { get; init; }
    /// <summary>Handler attempts before dead-lettering.</summary>
    public int MaxAttempts { get; init; } = 5;
    /// <summary>First delay between handler attempts.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Longest delay before handled offsets are committed.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Retention of inbox rows.</summary>
    public TimeSpan InboxRetention { get; init; } = TimeSpan.FromDays(7);
    /// <summary>Minimum interval between two log lines of one repeating error.</summary>
    public TimeSpan ErrorLogInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The settings of a service that publishes or consumes.</summary>
    /// <param name="kafka">Validated <c>Kafka:*</c>.</param>
    /// <param name="messaging">Validated <c>Messaging:*</c>.</param>
    /// <param name="appName">The app name: default consumer group and client id.</param>
    /// <exception cref="StartupConfigurationException"><c>Kafka:BootstrapServers</c> is missing.</exception>
    public static MessagingSettings For(KafkaOptions kafka, MessagingOptions messaging, string appName)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(messaging);
        var relay = messaging.Relay;
        var consumer = messaging.Consumer;
        return new MessagingSettings
        {
            // Optional for Kafka:* as such (the revocation listener runs only with it), required for the bus.
            BootstrapServers = kafka.BootstrapServers
                ?? throw new StartupConfigurationException(BootstrapServersKey, "is required: the Kafka brokers as host:port[,host:port] (./estore up passes the local broker's)."),
            Partitions = kafka.Partitions,
            ReplicationFactor = kafka.ReplicationFactor,
            CreateTopics = kafka.CreateTopics,
            ClientProperties = kafka.ClientProperties,
            ProducerProperties = kafka.Producer,
            ConsumerProperties = kafka.Consumer,
            RelayEnabled = relay.Enabled,
            RelayBatchSize = relay.BatchSize,
            RelayPollInterval = TimeSpan.FromMilliseconds(relay.PollIntervalMs),
            RelayLease = TimeSpan.FromSeconds(relay.LeaseSeconds),
            PublishTimeout = TimeSpan.FromSeconds(relay.PublishTimeoutSeconds),
            RelayMinBackoff = TimeSpan.FromMilliseconds(relay.MinBackoffMs),
            RelayMaxBackoff = TimeSpan.FromMilliseconds(relay.MaxBackoffMs),
            OutboxRetention = TimeSpan.FromHours(messaging.Outbox.RetentionHours),
            ConsumerEnabled = consumer.Enabled,
            ConsumerGroup = consumer.GroupId ?? appName,
            MaxAttempts = consumer.MaxAttempts,
            RetryBackoff = TimeSpan.FromMilliseconds(consumer.RetryBackoffMs),
            CommitInterval = TimeSpan.FromMilliseconds(consumer.CommitIntervalMs),
            InboxRetention = TimeSpan.FromDays(messaging.Inbox.RetentionDays),
            ErrorLogInterval = TimeSpan.FromSeconds(messaging.ErrorLogIntervalSeconds),
        };
    }
}
