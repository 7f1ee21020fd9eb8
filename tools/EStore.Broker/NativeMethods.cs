using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EStore.Broker;

/// <summary>
/// What Confluent.Kafka's public API cannot do for the mock cluster: create a topic with a chosen partition
/// count (the mock brokers answer no CreateTopics request, and Metadata auto-creates topics with 4 partitions),
/// and keep librdkafka's own threads from seeing signals (see <see cref="MockKafkaCluster"/>).
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Librdkafka = "librdkafka";

    // glibc's sigset_t: 1024 bits.
    internal const int SigSetWords = 16;
    internal const int SigSetMask = 2;

    static NativeMethods() => NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    internal static partial int pthread_sigmask(int how, ulong* set, ulong* oldSet);

    [LibraryImport(Librdkafka)]
    internal static partial nint rd_kafka_handle_mock_cluster(nint rk);

    [LibraryImport(Librdkafka, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Librdkafka)]
    internal static partial nint rd_kafka_err2str(int err);

    internal static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";

    /// <summary>
    /// The raw <c>rd_kafka_t*</c> behind a Confluent.Kafka client, which the package keeps internal
    /// (<c>Handle.LibrdkafkaHandle</c>); the mock-cluster functions need it. Valid while the client lives.
    /// </summary>
    internal static nint RawHandle(Confluent.Kafka.Handle handle)
    {
        var property = typeof(Confluent.Kafka.Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);
        return property?.GetValue(handle) is SafeHandle safe
            ? safe.DangerousGetHandle()
            : throw new InvalidOperationException($"Confluent.Kafka {typeof(Confluent.Kafka.Handle).Assembly.GetName().Version} no longer has Handle.LibrdkafkaHandle");
    }

    // Binds to the very copy Confluent.Kafka loaded from librdkafka.redist: it picks one of the package's builds
    // (on Debian 12 centos8-librdkafka.so, as librdkafka.so needs libsasl2.so.3), and a second copy would not
    // share the cluster's state.
    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Librdkafka)
        {
            return 0;
        }

        _ = Confluent.Kafka.Library.Version;
        using var self = Process.GetCurrentProcess();
        var loaded = self.Modules.Cast<ProcessModule>()
            .Select(m => m.FileName)
            .FirstOrDefault(f => Path.GetFileName(f).Contains("librdkafka", StringComparison.Ordinal));
        return loaded is null ? 0 : NativeLibrary.Load(loaded);
    }
}
