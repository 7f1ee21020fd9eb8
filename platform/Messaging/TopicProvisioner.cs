using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Messaging;

/// <summary>
/// Creates the topics this service publishes and consumes (and the consumed topics' dead-letter
/// topics) when they are missing, once per process and best effort: once the cluster answers, a
/// refusal (no permission, creation disabled, no controller) is logged and startup carries on.
/// </summary>
internal sealed partial class TopicProvisioner(KafkaClients kafka, MessagingSettings settings, MessagingTopology topology, ILogger<TopicProvisioner> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    public bool IsDone => _done;

    /// <summary>Returns at once after the first success; throws <see cref="KafkaException"/> while the cluster is unreachable.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_done)
            {
                return;
            }
            if (settings.CreateTopics)
            {
                await CreateMissingAsync(cancellationToken);
            }
            _done = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CreateMissingAsync(CancellationToken cancellationToken)
    {
        var metadata = await kafka.GetMetadataAsync(Timeout, cancellationToken);
        var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
        var missing = topology.TopicsToCreate.Where(t => !existing.Contains(t)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        var replicas = (short)(settings.ReplicationFactor > 0 ? settings.ReplicationFactor : Math.Clamp(metadata.Brokers.Count, 1, 3));
        var specifications = missing.Select(t => new TopicSpecification { Name = t, NumPartitions = settings.Partitions, ReplicationFactor = replicas });
        try
        {
            await kafka.CreateTopicsAsync(specifications, Timeout);
            LogCreated(string.Join(", ", missing), settings.Partitions, replicas);
        }
        catch (CreateTopicsException ex)
        {
            foreach (var result in ex.Results)
            {
                if (result.Error.Code == ErrorCode.NoError)
                {
                    LogCreated(result.Topic, settings.Partitions, replicas);
                }
                else if (result.Error.Code != ErrorCode.TopicAlreadyExists)
                {
                    // Another instance may have created it first (TopicAlreadyExists); anything else is a refusal.
                    LogNotCreated(result.Topic, result.Error.Reason);
                }
            }
        }
        catch (KafkaException ex)
        {
            // The cluster answered metadata but not CreateTopics: librdkafka's mock cluster never does
            // (it auto-creates topics with 4 partitions instead). Best effort, so no retry loop.
            LogNotCreated(string.Join(", ", missing), ex.Error.Reason);
            await RequestAutoCreationAsync(missing, cancellationToken);
        }
    }

    /// <summary>
    /// Asks for each topic's metadata, which a cluster that auto-creates topics (the mock cluster does) answers
    /// by creating it, so the consumer finds every topic when it subscribes: librdkafka 2.x looks again for a
    /// subscribed topic that was missing only every <c>topic.metadata.refresh.interval.ms</c> (5 min) once
    /// another subscribed topic exists.
    /// </summary>
    private async Task RequestAutoCreationAsync(List<string> topics, CancellationToken cancellationToken)
    {
        foreach (var topic in topics)
        {
            try
            {
                await kafka.GetMetadataAsync(topic, Timeout, cancellationToken);
            }
            catch (KafkaException)
            {
                // A cluster that does not auto-create answers UnknownTopicOrPart: the warning above stands.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Kafka topics {Topics} ({Partitions} partitions, replication {Replicas})")]
    private partial void LogCreated(string topics, int partitions, short replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create Kafka topics {Topics} ({Reason}); they must exist or be auto-created by the brokers")]
    private partial void LogNotCreated(string topics, string reason);
}
