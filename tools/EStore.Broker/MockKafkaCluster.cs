using System.Runtime.InteropServices;
using System.Text;

namespace EStore.Broker;

/// <summary>
/// An in-process Kafka-protocol cluster: librdkafka's built-in mock brokers listening on 127.0.0.1.
/// Produce, consume, consumer groups and offset commits work for any Kafka client that connects to
/// <see cref="BootstrapServers"/>, in this process or another.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    /// <summary>The text of the error reported when the native library is missing.</summary>
    public const string MissingLibraryMessage =
        "librdkafka.so.1 could not be loaded: install the Debian package librdkafka1 (apt-get install librdkafka1)";

    private readonly object _gate = new();
    private nint _client;
    private nint _cluster;

    private MockKafkaCluster(nint client, nint cluster, int brokerCount, string bootstrapServers)
    {
        _client = client;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>host:port</c> list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers in the cluster.</summary>
    public int BrokerCount { get; }

    /// <summary>True when librdkafka.so.1 can be loaded in this process.</summary>
    public static bool IsNativeLibraryAvailable()
    {
        if (!NativeLibrary.TryLoad(NativeMethods.LibraryName, out var handle))
        {
            return false;
        }

        // The runtime keeps its own reference for the P/Invokes; this probe handle is not needed.
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="create"/> with every signal blocked in this thread, so the threads
    /// librdkafka starts inherit that mask. The .NET runtime handles SIGCONT, so after the broker
    /// process is stopped and continued (SIGSTOP/SIGCONT) the mock cluster thread's poll() would
    /// fail with EINTR, which librdkafka 2.0.2 treats as fatal: the broker would stop serving for
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

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers.</summary>
    /// <exception cref="DllNotFoundException">librdkafka.so.1 is not installed.</exception>
    /// <exception cref="InvalidOperationException">librdkafka refused to create the cluster.</exception>
    public static MockKafkaCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        if (!IsNativeLibraryAvailable())
        {
            throw new DllNotFoundException(MissingLibraryMessage);
        }

        // The mock cluster hangs off a client handle; a producer needs no bootstrap servers or polling.
        var (client, cluster) = CreateWithSignalsBlocked(() =>
        {
            var handle = CreateProducerHandle();
            return (handle, NativeMethods.rd_kafka_mock_cluster_new(handle, brokers));
        });
        if (cluster == 0)
        {
            NativeMethods.rd_kafka_destroy(client);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed (see librdkafka's log on stderr)");
        }

        var bootstraps = Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_mock_cluster_bootstraps(cluster));
        if (string.IsNullOrEmpty(bootstraps))
        {
            NativeMethods.rd_kafka_mock_cluster_destroy(cluster);
            NativeMethods.rd_kafka_destroy(client);
            throw new InvalidOperationException("the mock cluster reported no bootstrap servers");
        }

        return new MockKafkaCluster(client, cluster, brokers, bootstraps);
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
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            var err = NativeMethods.rd_kafka_mock_topic_create(_cluster, name, partitions, replicas);
            if (err != 0)
            {
                throw new InvalidOperationException($"creating topic '{name}' failed: {NativeMethods.ErrorText(err)}");
            }
        }
    }

    /// <summary>Stops the brokers and releases the native handles.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // The cluster belongs to the client handle, so it must go first.
            if (_cluster != 0)
            {
                NativeMethods.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = 0;
            }

            if (_client != 0)
            {
                NativeMethods.rd_kafka_destroy(_client);
                _client = 0;
            }
        }
    }

    private static unsafe nint CreateProducerHandle()
    {
        const int errorSize = 512;
        var error = stackalloc byte[errorSize];
        var conf = NativeMethods.rd_kafka_conf_new();
        // Only warnings and worse: the idle producer's notices (no bootstrap.servers) would be noise.
        Set(conf, "log_level", "4", error, errorSize);
        Set(conf, "client.id", "estore-mock-broker", error, errorSize);

        var client = NativeMethods.rd_kafka_new(NativeMethods.RdKafkaProducer, conf, error, errorSize);
        if (client == 0)
        {
            // rd_kafka_new takes ownership of conf only on success.
            NativeMethods.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {ReadError(error, errorSize)}");
        }

        return client;
    }

    private static unsafe void Set(nint conf, string name, string value, byte* error, int errorSize)
    {
        if (NativeMethods.rd_kafka_conf_set(conf, name, value, error, (nuint)errorSize) != NativeMethods.ConfOk)
        {
            NativeMethods.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {ReadError(error, errorSize)}");
        }
    }

    private static unsafe string ReadError(byte* error, int size)
    {
        var span = new ReadOnlySpan<byte>(error, size);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
