using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Messaging;

/// <summary>
/// Kafka and messaging settings, read once at startup from <c>Kafka:*</c> and <c>Messaging:*</c>
/// (platform/Messaging/README.md lists every key).
/// </summary>
public sealed record MessagingSettings
{
    /// <summary>Configuration key of the brokers (required).</summary>
    public const string BootstrapServersKey = "Kafka:BootstrapServers";
    /// <summary>Partitions of the topics created at startup (default 6).</summary>
    public const string PartitionsKey = "Kafka:Partitions";
    /// <summary>Replication factor of created topics (default: brokers in the cluster, at most 3).</summary>
    public const string ReplicationFactorKey = "Kafka:ReplicationFactor";
    /// <summary>Whether to create missing topics at startup (default true).</summary>
    public const string CreateTopicsKey = "Kafka:CreateTopics";
    /// <summary>librdkafka properties for every client (security, for example).</summary>
    public const string ClientSection = "Kafka:Client";
    /// <summary>librdkafka properties for the producer only.</summary>
    public const string ProducerSection = "Kafka:Producer";
    /// <summary>librdkafka properties for the consumer only.</summary>
    public const string ConsumerSection = "Kafka:Consumer";

    /// <summary>Whether this instance runs the outbox relay (default true).</summary>
    public const string RelayEnabledKey = "Messaging:Relay:Enabled";
    /// <summary>Outbox rows claimed and published at a time (default 100).</summary>
    public const string RelayBatchSizeKey = "Messaging:Relay:BatchSize";
    /// <summary>How often an idle relay looks for rows other instances wrote (default 1000 ms).</summary>
    public const string RelayPollIntervalKey = "Messaging:Relay:PollIntervalMs";
    /// <summary>How long a claim on outbox rows lasts (default 60 s).</summary>
    public const string RelayLeaseKey = "Messaging:Relay:LeaseSeconds";
    /// <summary>How long one publish may wait for the broker (librdkafka message.timeout.ms; default 30 s).</summary>
    public const string RelayPublishTimeoutKey = "Messaging:Relay:PublishTimeoutSeconds";
    /// <summary>First retry delay while publishing fails (default 200 ms).</summary>
    public const string RelayMinBackoffKey = "Messaging:Relay:MinBackoffMs";
    /// <summary>Longest retry delay while publishing fails (default 30000 ms).</summary>
    public const string RelayMaxBackoffKey = "Messaging:Relay:MaxBackoffMs";
    /// <summary>How long sent outbox rows are kept (default 24 h).</summary>
    public const string OutboxRetentionKey = "Messaging:Outbox:RetentionHours";

    /// <summary>Whether this instance consumes (default true).</summary>
    public const string ConsumerEnabledKey = "Messaging:Consumer:Enabled";
    /// <summary>The consumer group (default: the app name).</summary>
    public const string ConsumerGroupKey = "Messaging:Consumer:GroupId";
    /// <summary>Handler attempts before a message goes to the dead-letter topic (default 5).</summary>
    public const string ConsumerMaxAttemptsKey = "Messaging:Consumer:MaxAttempts";
    /// <summary>First delay between handler attempts, doubled each time (default 200 ms).</summary>
    public const string ConsumerRetryBackoffKey = "Messaging:Consumer:RetryBackoffMs";
    /// <summary>Longest time handled offsets wait before they are committed (default 1000 ms; 0 commits after every message).</summary>
    public const string ConsumerCommitIntervalKey = "Messaging:Consumer:CommitIntervalMs";
    /// <summary>How long processed event ids are remembered (default 7 days).</summary>
    public const string InboxRetentionKey = "Messaging:Inbox:RetentionDays";
    /// <summary>At most one log line per this many seconds for a repeating Kafka error (default 30).</summary>
    public const string ErrorLogIntervalKey = "Messaging:ErrorLogIntervalSeconds";

    // Client properties the bus's guarantees depend on: configuration may not change them.
    private static readonly Dictionary<string, string> FixedProducerProperties = new(StringComparer.Ordinal)
    {
        ["enable.idempotence"] = "true",
        ["acks"] = "all",
    };

    private static readonly Dictionary<string, string> FixedConsumerProperties = new(StringComparer.Ordinal)
    {
        ["enable.auto.commit"] = "false",
        ["enable.auto.offset.store"] = "false",
    };

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

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <param name="appName">The app name: default consumer group and client id.</param>
    /// <exception cref="StartupConfigurationException">A value is missing or malformed.</exception>
    public static MessagingSettings FromConfiguration(IConfiguration configuration, string appName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var bootstrap = configuration[BootstrapServersKey];
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            throw new StartupConfigurationException(BootstrapServersKey, "is required: the Kafka brokers as host:port[,host:port] (./estore up passes the local broker's).");
        }

        var settings = new MessagingSettings
        {
            BootstrapServers = bootstrap.Trim(),
            Partitions = SettingValues.Int(configuration, PartitionsKey, 6, 1, 10_000),
            ReplicationFactor = SettingValues.Int(configuration, ReplicationFactorKey, 0, 0, 100),
            CreateTopics = SettingValues.Bool(configuration, CreateTopicsKey, true),
            ClientProperties = WithSecurity(configuration, ReadProperties(configuration, ClientSection, new Dictionary<string, string>())),
            ProducerProperties = ReadProperties(configuration, ProducerSection, FixedProducerProperties),
            ConsumerProperties = ReadProperties(configuration, ConsumerSection, FixedConsumerProperties),
            RelayEnabled = SettingValues.Bool(configuration, RelayEnabledKey, true),
            RelayBatchSize = SettingValues.Int(configuration, RelayBatchSizeKey, 100, 1, 10_000),
            RelayPollInterval = TimeSpan.FromMilliseconds(SettingValues.Int(configuration, RelayPollIntervalKey, 1000, 10, 3_600_000)),
            RelayLease = TimeSpan.FromSeconds(SettingValues.Int(configuration, RelayLeaseKey, 60, 1, 86_400)),
            PublishTimeout = TimeSpan.FromSeconds(SettingValues.Int(configuration, RelayPublishTimeoutKey, 30, 1, 3_600)),
            RelayMinBackoff = TimeSpan.FromMilliseconds(SettingValues.Int(configuration, RelayMinBackoffKey, 200, 1, 3_600_000)),
            RelayMaxBackoff = TimeSpan.FromMilliseconds(SettingValues.Int(configuration, RelayMaxBackoffKey, 30_000, 1, 3_600_000)),
            OutboxRetention = TimeSpan.FromHours(SettingValues.Int(configuration, OutboxRetentionKey, 24, 0, 24 * 365)),
            ConsumerEnabled = SettingValues.Bool(configuration, ConsumerEnabledKey, true),
            ConsumerGroup = configuration[ConsumerGroupKey] is { Length: > 0 } group ? group.Trim() : appName,
            MaxAttempts = SettingValues.Int(configuration, ConsumerMaxAttemptsKey, 5, 1, 100),
            RetryBackoff = TimeSpan.FromMilliseconds(SettingValues.Int(configuration, ConsumerRetryBackoffKey, 200, 0, 600_000)),
            CommitInterval = TimeSpan.FromMilliseconds(SettingValues.Int(configuration, ConsumerCommitIntervalKey, 1000, 0, 600_000)),
            InboxRetention = TimeSpan.FromDays(SettingValues.Int(configuration, InboxRetentionKey, 7, 1, 3650)),
            ErrorLogInterval = TimeSpan.FromSeconds(SettingValues.Int(configuration, ErrorLogIntervalKey, 30, 0, 86_400)),
        };

        // A lease shorter than a publish could let a second relay publish rows the first still holds.
        if (settings.RelayLease <= settings.PublishTimeout + TimeSpan.FromSeconds(5))
        {
            throw new StartupConfigurationException(RelayLeaseKey,
                $"must exceed {RelayPublishTimeoutKey} by more than 5 seconds ({settings.RelayLease.TotalSeconds:0} <= {settings.PublishTimeout.TotalSeconds:0} + 5).");
        }
        if (settings.RelayMaxBackoff < settings.RelayMinBackoff)
        {
            throw new StartupConfigurationException(RelayMaxBackoffKey, $"must not be below {RelayMinBackoffKey}.");
        }
        return settings;
    }

    /// <summary>
    /// Adds the properties of <see cref="KafkaSecurityOptions"/> (<c>Kafka:SecurityProtocol</c>, <c>Kafka:Sasl*</c>) to
    /// <paramref name="clientProperties"/>, which may name the same librdkafka properties only with the same values.
    /// </summary>
    /// <exception cref="StartupConfigurationException">The security settings are invalid or contradict <c>Kafka:Client</c>.</exception>
    public static Dictionary<string, string> WithSecurity(IConfiguration configuration, IReadOnlyDictionary<string, string> clientProperties)
    {
        ArgumentNullException.ThrowIfNull(clientProperties);
        var merged = new Dictionary<string, string>(clientProperties, StringComparer.Ordinal);
        foreach (var (key, value) in KafkaSecurityOptions.FromConfiguration(configuration).ToClientProperties())
        {
            if (merged.TryGetValue(key, out var given) && !string.Equals(given, value, key == "sasl.password" ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                // Named without its value: it may be the password.
                throw new StartupConfigurationException($"{ClientSection}:{key}", "contradicts the Kafka:SecurityProtocol / Kafka:Sasl* settings; set it in one place.");
            }
            merged[key] = value;
        }
        return merged;
    }

    private static Dictionary<string, string> ReadProperties(IConfiguration configuration, string section, IReadOnlyDictionary<string, string> fixedValues)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection(section).GetChildren())
        {
            if (child.Value is null)
            {
                continue;
            }
            if (fixedValues.TryGetValue(child.Key, out var required) && !IsSame(child.Key, child.Value.Trim(), required))
            {
                throw new StartupConfigurationException($"{section}:{child.Key}",
                    $"must stay '{required}': the outbox and inbox guarantees depend on it.");
            }
            properties[child.Key] = child.Value.Trim();
        }
        return properties;
    }

    private static bool IsSame(string key, string value, string required) =>
        string.Equals(value, required, StringComparison.OrdinalIgnoreCase) || (key == "acks" && value == "-1");
}
