using System.Globalization;
using EStore.Platform.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Platform.Messaging;

/// <summary>
/// The <c>kafka</c> health component: broker reachability (metadata), the outbox backlog, the last
/// publish error, the last client error and the consumer's state, assignment and lag. A broker outage is reported as UNKNOWN,
/// never DOWN: the outbox keeps the service correct without Kafka, so it must stay in traffic.
/// </summary>
internal sealed class KafkaHealthCheck(KafkaClients kafka, MessagingState state, MessagingTopology topology, MessagingSettings settings, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan ProbeMaxAge = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var broker = await kafka.GetBrokerStatusAsync(ProbeMaxAge).WaitAsync(cancellationToken);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        if (broker.Reachable)
        {
            data["brokers"] = broker.Brokers;
        }
        if (topology.PublishedTopics.Count > 0 && settings.RelayEnabled)
        {
            data["outboxBacklog"] = state.OutboxBacklog;
            if (state.OldestPendingAt is { } oldest)
            {
                data["oldestPendingSeconds"] = Math.Max(0, Math.Round((time.GetUtcNow().UtcDateTime - oldest).TotalSeconds, 1));
            }
            if (state.LastPublishedAt is { } published)
            {
                data["lastPublishedAt"] = published.ToString("O", CultureInfo.InvariantCulture);
            }
            if (state.LastPublishError is { } error)
            {
                data["lastPublishError"] = error;
                data["lastPublishErrorAt"] = state.LastPublishErrorAt!.Value.ToString("O", CultureInfo.InvariantCulture);
            }
        }
        if (state.LastClientError is { } clientError)
        {
            // What librdkafka last complained about (a refused connection, an unknown topic): the first
            // thing an operator needs when the broker looks unreachable.
            data["lastClientError"] = clientError;
            data["lastClientErrorAt"] = state.LastClientErrorAt!.Value.ToString("O", CultureInfo.InvariantCulture);
        }
        if (topology.Handlers.Count > 0 && settings.ConsumerEnabled)
        {
            data["consumerGroup"] = settings.ConsumerGroup;
            data["consumerRunning"] = state.ConsumerRunning;
            data["assignedPartitions"] = state.AssignedPartitions;
            data["consumerLag"] = state.ConsumerLag.Values.Sum();
        }

        string? problem = !broker.Reachable ? $"broker unreachable: {broker.Error}"
            : state.PublishFailing ? $"publishing fails: {state.LastPublishError}"
            : null;
        if (problem is null)
        {
            return HealthCheckResult.Healthy(data: data);
        }
        // UNKNOWN, not DOWN: with a readiness group this keeps the instance in traffic.
        foreach (var (key, value) in ActuatorStatus.UnknownData(problem))
        {
            data[key] = value;
        }
        return new HealthCheckResult(HealthStatus.Degraded, problem, data: data);
    }
}
