using Confluent.Kafka;

namespace EStore.Testing;

/// <summary>
/// Reads Kafka topics in tests as another service would: a consumer group of its own, from the beginning, nothing
/// committed unless the test commits, every wait bounded.
/// </summary>
public static class TopicReader
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A consumer in a new group, subscribed to <paramref name="topic"/> from its first message.</summary>
    public static IConsumer<string, string> Subscribe(string bootstrapServers, string topic)
    {
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "tests-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        return consumer;
    }

    /// <summary>The first message <paramref name="match"/> accepts, or null when none arrived within <paramref name="timeout"/>.</summary>
    public static ConsumeResult<string, string>? ConsumeUntil(IConsumer<string, string> consumer, Func<ConsumeResult<string, string>, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            ConsumeResult<string, string>? result;
            try
            {
                result = consumer.Consume(PollInterval);
            }
            catch (ConsumeException ex) when (ex.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                // Confluent.Kafka 2.x reports a subscribed topic that is not there yet; the first message creates it.
                continue;
            }
            if (result is { IsPartitionEOF: false, Message: not null } && match(result))
            {
                return result;
            }
        }
        return null;
    }

    /// <summary>Reads <paramref name="topic"/> until <paramref name="count"/> messages arrived or the time is up; returns what arrived.</summary>
    public static List<ConsumeResult<string, string>> Read(string bootstrapServers, string topic, int count, TimeSpan timeout)
    {
        using var consumer = Subscribe(bootstrapServers, topic);
        var results = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (results.Count < count && ConsumeUntil(consumer, _ => true, deadline - DateTime.UtcNow) is { } result)
            {
                results.Add(result);
            }
        }
        finally
        {
            consumer.Close();
        }
        return results;
    }
}
