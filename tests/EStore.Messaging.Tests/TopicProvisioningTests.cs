using Confluent.Kafka;
using EStore.Contracts;
using EStore.Messaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>Topics on a cluster that refuses CreateTopics but auto-creates topics (librdkafka's mock cluster).</summary>
public sealed class TopicProvisioningTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Every_topic_of_the_service_exists_before_its_consumer_subscribes_when_the_cluster_only_auto_creates()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output, createTopics: false);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);

        // Metadata for all topics creates none, so this sees only what the service made exist.
        string[] expected = [LedgerApp.Topic, Topics.Order, Topics.DeadLetterOf(LedgerApp.Topic), Topics.DeadLetterOf(Topics.Order)];
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await Eventually.GetAsync(
            () => Task.FromResult(string.Join(',', admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).Order())),
            topics => expected.All(topics.Split(',').Contains),
            "the service's topics", TestKafka.Bounded);

        // The consumer reads both of its topics from the start (none appears later, after a 5-minute metadata refresh).
        await host.PublishAsync(LedgerEvent.Create(Guid.NewGuid(), 1));
        await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 1, "the handled event", TestKafka.Bounded);
    }
}
