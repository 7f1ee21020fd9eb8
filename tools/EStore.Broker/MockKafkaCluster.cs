using System.Globalization;
using Confluent.Kafka;

namespace EStore.Broker;

/// <summary>
/// An in-process Kafka-protocol cluster: librdkafka's built-in mock brokers listening on 127.0.0.1, made by a
/// Confluent.Kafka producer with <c>test.mock.num.brokers</c>. Produce, consume, consumer groups and offset
/// commits work for any Kafka client that connects to <see cref="BootstrapServers"/>, in this process or another.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private IProducer<Null, Null>? _owner;

    private MockKafkaCluster(IProducer<Null, Null> owner, int brokerCount, string bootstrapServers)
    {
        _owner = owner;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>host:port</c> list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers in the cluster.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers.</summary>
    /// <exception cref="DllNotFoundException">librdkafka could not be loaded from the librdkafka.redist package.</exception>
    /// <exception cref="InvalidOperationException">librdkafka refused to create the cluster.</exception>
    public static MockKafkaCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var config = new ProducerConfig { ClientId = "estore-mock-broker" };
        // Only warnings and worse, on stderr (Confluent.Kafka's default log handler).
        config.Set("log_level", "4");
        config.Set("test.mock.num.brokers", brokers.ToString(CultureInfo.InvariantCulture));
        // The producer only owns the cluster: no polling thread, no delivery reports.
        config.Set("dotnet.producer.enable.background.poll", "false");
        config.Set("dotnet.producer.enable.delivery.reports", "false");

        IProducer<Null, Null> owner;
        try
        {
            owner = CreateWithSignalsBlocked(() => new ProducerBuilder<Null, Null>(config).Build());
        }
        catch (KafkaException ex)
        {
            throw new InvalidOperationException($"creating the mock cluster failed: {ex.Error.Reason}", ex);
        }

        try
        {
            // The brokers, as every client sees them in metadata.
            using var admin = new DependentAdminClientBuilder(owner.Handle).Build();
            var metadata = admin.GetMetadata(MetadataTimeout);
            var bootstraps = string.Join(',', metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
            if (metadata.Brokers.Count != brokers)
            {
                throw new InvalidOperationException($"the mock cluster reported {metadata.Brokers.Count} of {brokers} brokers ('{bootstraps}')");
            }

            return new MockKafkaCluster(owner, brokers, bootstraps);
        }
        catch (KafkaException ex)
        {
            owner.Dispose();
            throw new InvalidOperationException($"the mock cluster answered no metadata: {ex.Error.Reason}", ex);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic up front (otherwise topics are auto-created with librdkafka's default partition count).</summary>
    /// <param name="name">The topic name.</param>
    /// <param name="partitions">The number of partitions (at least 1).</param>
    /// <param name="replicationFactor">Replicas per partition; defaults to the broker count, at most 3.</param>
    public void CreateTopic(string name, int partitions, int? replicationFactor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var replicas = replicationFactor ?? Math.Min(BrokerCount, 3);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_owner is null, this);
            // The mock brokers do not serve CreateTopics (the admin API times out waiting for a controller).
            var cluster = NativeMethods.rd_kafka_handle_mock_cluster(NativeMethods.RawHandle(_owner.Handle));
            if (cluster == 0)
            {
                throw new InvalidOperationException("the client owns no mock cluster");
            }

            var err = NativeMethods.rd_kafka_mock_topic_create(cluster, name, partitions, replicas);
            if (err != 0)
            {
                throw new InvalidOperationException($"creating topic '{name}' failed: {NativeMethods.ErrorText(err)}");
            }
        }
    }

    /// <summary>Stops the brokers (destroying the owning client destroys its mock cluster).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _owner?.Dispose();
            _owner = null;
        }
    }

    /// <summary>
    /// Runs <paramref name="create"/> with every signal blocked in this thread, so the threads
    /// librdkafka starts inherit that mask. The .NET runtime handles SIGCONT, so after the broker
    /// process is stopped and continued (SIGSTOP/SIGCONT) the mock cluster thread's poll() would
    /// fail with EINTR, which librdkafka (2.16 too) treats as fatal: the broker would stop serving for
    /// good. With the mask, signals go to the runtime's own threads instead.
    /// </summary>
    private static unsafe T CreateWithSignalsBlocked<T>(Func<T> create)
    {
        var all = stackalloc ulong[NativeMethods.SigSetWords];
        var previous = stackalloc ulong[NativeMethods.SigSetWords];
        for (var i = 0; i < NativeMethods.SigSetWords; i++)
        {
            all[i] = ulong.MaxValue;
        }
        var blocked = NativeMethods.pthread_sigmask(NativeMethods.SigSetMask, all, previous) == 0;
        try
        {
            return create();
        }
        finally
        {
            if (blocked)
            {
                NativeMethods.pthread_sigmask(NativeMethods.SigSetMask, previous, null);
            }
        }
    }
}
