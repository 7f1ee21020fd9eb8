using System.Runtime.InteropServices;

namespace EStore.Mesh;

/// <summary>Sending a signal other than SIGKILL, which <see cref="System.Diagnostics.Process"/> cannot do.</summary>
internal static partial class PosixNative
{
    internal const int SigTerm = 15;

    // Linux numbers (macOS differs: there are 17 and 19); the mesh tests and benchmarks run on Linux.
    internal const int SigStop = 19;

    internal const int SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/>; false when the process is gone or the call is unsupported.</summary>
    internal static bool TrySendSignal(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        try
        {
            return Kill(pid, signal) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }
}
