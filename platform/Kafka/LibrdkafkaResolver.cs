using System.Reflection;
using System.Runtime.InteropServices;

namespace EStore.Platform.Kafka;

/// <summary>
/// Points Confluent.Kafka at Debian's <c>librdkafka.so.1</c> (package librdkafka1). The NuGet
/// package that would ship the native library is not available here, so it is pruned from
/// the restore graph (Directory.Packages.props).
/// </summary>
public static class LibrdkafkaResolver
{
    /// <summary>The native library file name loaded for every librdkafka import.</summary>
    public const string LibraryName = "librdkafka.so.1";

    private static int s_registered;

    /// <summary>Installs the resolver once per process; later calls do nothing.</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
        {
            return;
        }
        NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!name.Contains("rdkafka", StringComparison.OrdinalIgnoreCase))
        {
            return IntPtr.Zero;
        }
        if (NativeLibrary.TryLoad(LibraryName, assembly, searchPath, out var handle))
        {
            return handle;
        }
        throw new DllNotFoundException($"{LibraryName} was not found: install the Debian package librdkafka1 (./estore up and ./estore test do this).");
    }
}
