using EStore.Platform.Hosting;

namespace EStore.Platform.Kafka;

/// <summary>
/// <c>Kafka:*</c> as the event bus reads it: the brokers, topic creation and librdkafka properties, plus the security
/// settings of <see cref="KafkaSecurityOptions"/> (platform/Messaging/README.md lists every key).
/// </summary>
public sealed class KafkaOptions : KafkaSecurityOptions
{
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

    /// <summary>The brokers, <c>host:port</c> comma-separated; required by services that publish or consume.</summary>
    public string? BootstrapServers { get; set; }
    /// <summary>Partitions of created topics.</summary>
    public int Partitions { get; set; } = 6;
    /// <summary>Replication factor of created topics; 0 for the cluster's broker count, at most 3.</summary>
    public int ReplicationFactor { get; set; }
    /// <summary>Whether missing topics are created at startup.</summary>
    public bool CreateTopics { get; set; } = true;
    /// <summary>librdkafka properties for every client (<c>Kafka:Client:*</c>).</summary>
    public Dictionary<string, string> Client { get; set; } = new(StringComparer.Ordinal);
    /// <summary>librdkafka properties for the producer (<c>Kafka:Producer:*</c>).</summary>
    public Dictionary<string, string> Producer { get; set; } = new(StringComparer.Ordinal);
    /// <summary>librdkafka properties for the consumer (<c>Kafka:Consumer:*</c>).</summary>
    public Dictionary<string, string> Consumer { get; set; } = new(StringComparer.Ordinal);

    /// <summary><see cref="Client"/> with the security settings' properties.</summary>
    public IReadOnlyDictionary<string, string> ClientProperties
    {
        get
        {
            var merged = new Dictionary<string, string>(Client, StringComparer.Ordinal);
            foreach (var (key, value) in ToClientProperties())
            {
                merged[key] = value;
            }
            return merged;
        }
    }

    /// <inheritdoc/>
    public override void Validate(OptionsCheck check)
    {
        base.Validate(check);
        check.Range(Partitions, 1, 10_000);
        check.Range(ReplicationFactor, 0, 100);
        Fixed(check, Producer, FixedProducerProperties, nameof(Producer));
        Fixed(check, Consumer, FixedConsumerProperties, nameof(Consumer));
        foreach (var (key, value) in ToClientProperties())
        {
            if (Client.TryGetValue(key, out var given) && !string.Equals(given, value, key == "sasl.password" ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                // Named without its value: it may be the password.
                check.Fail($"{nameof(Client)}:{key}", "contradicts the Kafka:SecurityProtocol / Kafka:Sasl* settings; set it in one place.");
            }
        }
    }

    private static void Fixed(OptionsCheck check, Dictionary<string, string> properties, Dictionary<string, string> fixedValues, string section)
    {
        foreach (var (key, required) in fixedValues)
        {
            if (properties.TryGetValue(key, out var value)
                && !(string.Equals(value, required, StringComparison.OrdinalIgnoreCase) || (key == "acks" && value == "-1")))
            {
                check.Fail($"{section}:{key}", $"must stay '{required}': the outbox and inbox guarantees depend on it.");
            }
        }
    }
}
