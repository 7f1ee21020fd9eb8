using Confluent.Kafka;
using EStore.Broker;

namespace EStore.Mesh.Tests;

public sealed class MockKafkaClusterTests
{
    [Fact]
    public void In_process_cluster_reports_one_address_per_broker_and_serves_precreated_topic_metadata()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("mesh.precreated", partitions: 5);

        Assert.Equal(3, cluster.BootstrapServers.Split(',').Length);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("mesh.precreated", TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(5, Assert.Single(metadata.Topics).Partitions.Count);
    }

    [Fact]
    public void Cluster_rejects_use_after_dispose()
    {
        var cluster = MockKafkaCluster.Start();
        cluster.Dispose();
        cluster.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1));
    }
}
