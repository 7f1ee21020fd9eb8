using System.Runtime.InteropServices;

namespace EStore.Broker;

/// <summary>The few librdkafka entry points the mock cluster needs (librdkafka.h, rdkafka_mock.h).</summary>
internal static unsafe partial class NativeMethods
{
    // Debian's librdkafka1 ships only the versioned soname; there is no unversioned librdkafka.so without -dev.
    internal const string LibraryName = "librdkafka.so.1";

    internal const int RdKafkaProducer = 0;

    // glibc's sigset_t: 1024 bits.
    internal const int SigSetWords = 16;
    internal const int SigSetMask = 2;

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    internal static partial int pthread_sigmask(int how, ulong* set, ulong* oldSet);
    internal const int ConfOk = 0;

    [LibraryImport(LibraryName)]
    internal static partial nint rd_kafka_conf_new();

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(LibraryName)]
    internal static partial nint rd_kafka_new(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(LibraryName)]
    internal static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    [LibraryImport(LibraryName)]
    internal static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibraryName)]
    internal static partial nint rd_kafka_err2str(int err);

    internal static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";
}
