using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace EStore.Mesh;

/// <summary>How to start a <see cref="ManagedProcess"/>.</summary>
public sealed class ManagedProcessStartInfo
{
    /// <summary>Describes a process to start.</summary>
    /// <param name="name">The name its log lines and errors carry, e.g. <c>product-service#1</c>.</param>
    /// <param name="fileName">The executable.</param>
    public ManagedProcessStartInfo(string name, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        Name = name;
        FileName = fileName;
    }

    /// <summary>The name its log lines and errors carry.</summary>
    public string Name { get; }

    /// <summary>The executable.</summary>
    public string FileName { get; }

    /// <summary>The arguments, each passed as one argv entry (no shell quoting).</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>
    /// Environment variables added to the inherited environment; a null value removes an inherited variable.
    /// </summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>The working directory; null for the current one.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Called for every line on stdout or stderr, on a thread-pool thread.</summary>
    public Action<ProcessLogLine>? OnOutput { get; set; }

    /// <summary>How many recent lines to keep for <see cref="ManagedProcess.GetRecentLines"/>.</summary>
    public int RecentLineCapacity { get; set; } = 200;

    /// <summary>
    /// Describes <c>dotnet &lt;dll&gt; [arguments]</c> run by <see cref="ManagedProcess.DotnetHostPath"/>, in the
    /// dll's directory (where ASP.NET Core looks for appsettings.json).
    /// </summary>
    public static ManagedProcessStartInfo ForDotnet(string name, string dllPath, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dllPath);
        var fullPath = Path.GetFullPath(dllPath);
        var info = new ManagedProcessStartInfo(name, ManagedProcess.DotnetHostPath)
        {
            WorkingDirectory = Path.GetDirectoryName(fullPath),
        };
        info.Arguments.Add(fullPath);
        foreach (var argument in arguments)
        {
            info.Arguments.Add(argument);
        }

        return info;
    }
}

/// <summary>
/// A child process whose output is read line by line and which is stopped with SIGTERM, then SIGKILL.
/// Every instance still running when this process exits is killed, so children never outlive their parent's
/// orderly exit; disposing stops it.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    /// <summary>The grace period <see cref="DisposeAsync"/> and <see cref="StopAsync()"/> allow after SIGTERM.</summary>
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<ManagedProcess, byte> Running = new();

    private readonly Process _process;
    private readonly LogTail _tail;
    private readonly Action<ProcessLogLine>? _onOutput;
    private volatile bool _stopRequested;

    static ManagedProcess()
    {
        // Safety net for callers that forget to dispose (or a test host that exits early).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllOnExit();
    }

    private ManagedProcess(string name, Process process, LogTail tail, Action<ProcessLogLine>? onOutput)
    {
        Name = name;
        _process = process;
        _tail = tail;
        _onOutput = onOutput;
        Pid = process.Id;
        var stdout = PumpAsync(process.StandardOutput, isError: false);
        var stderr = PumpAsync(process.StandardError, isError: true);
        Exited = WaitForExitAsync(stdout, stderr);
    }

    /// <summary>
    /// The <c>dotnet</c> host to run dlls with: the one running this process when it is <c>dotnet</c>
    /// (as under <c>dotnet test</c>), else DOTNET_HOST_PATH, else <c>dotnet</c> from PATH.
    /// </summary>
    public static string DotnetHostPath { get; } = FindDotnetHost();

    /// <summary>The name given at start.</summary>
    public string Name { get; }

    /// <summary>The operating-system process id.</summary>
    public int Pid { get; }

    /// <summary>Completes with the exit code once the process has exited and its output has been read.</summary>
    public Task<int> Exited { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => Exited.IsCompleted;

    /// <summary>True once <see cref="StopAsync(TimeSpan)"/>, <see cref="Kill"/> or dispose was called.</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>Starts a process.</summary>
    /// <exception cref="InvalidOperationException">The executable could not be started.</exception>
    public static ManagedProcess Start(ManagedProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        var psi = new ProcessStartInfo(startInfo.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Children never read the launcher's terminal; an open pipe also lets them notice when we are gone.
            RedirectStandardInput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = startInfo.WorkingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in startInfo.Arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in startInfo.Environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"could not start {startInfo.Name} ({startInfo.FileName}): {ex.Message}", ex);
        }

        var managed = new ManagedProcess(startInfo.Name, process, new LogTail(startInfo.RecentLineCapacity), startInfo.OnOutput);
        Running.TryAdd(managed, 0);
        return managed;
    }

    /// <summary>The last <paramref name="count"/> lines the process wrote (stdout and stderr interleaved).</summary>
    public IReadOnlyList<string> GetRecentLines(int count = 20) => _tail.Last(count);

    /// <summary>Stops the process with SIGTERM and up to <see cref="DefaultStopGrace"/>, then SIGKILL.</summary>
    /// <returns>The exit code.</returns>
    public Task<int> StopAsync() => StopAsync(DefaultStopGrace);

    /// <summary>
    /// Sends SIGTERM, waits up to <paramref name="grace"/> for the process to exit, then kills it and every
    /// process it started.
    /// </summary>
    /// <returns>The exit code (128 + signal number when a signal ended it).</returns>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        _stopRequested = true;
        if (!HasExited)
        {
            if (!PosixNative.TrySendSignal(Pid, PosixNative.SigTerm))
            {
                KillTree();
            }

            try
            {
                await Exited.WaitAsync(grace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                KillTree();
            }
        }

        return await Exited.ConfigureAwait(false);
    }

    /// <summary>Kills the process and its descendants at once (SIGKILL); await <see cref="Exited"/> to see it gone.</summary>
    public void Kill()
    {
        _stopRequested = true;
        KillTree();
    }

    /// <summary>
    /// Freezes the process (SIGSTOP) until <see cref="Resume"/>: it keeps its ports and state but answers nothing,
    /// as a hung or unreachable server would (e.g. the broker down for a while).
    /// </summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent (the process is gone, or not on Linux/macOS).</exception>
    public void Suspend() => Signal(PosixNative.SigStop);

    /// <summary>Lets a <see cref="Suspend"/>ed process run again (SIGCONT).</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public void Resume() => Signal(PosixNative.SigCont);

    private void Signal(int signal)
    {
        if (!PosixNative.TrySendSignal(Pid, signal))
        {
            throw new InvalidOperationException($"{Name}: signal {signal} could not be sent to pid {Pid}");
        }
    }

    /// <summary>Closes the child's standard input (children started with an exit-on-EOF option then stop).</summary>
    public void CloseStandardInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already closed by the child exiting.
        }
    }

    /// <summary>Stops the process (see <see cref="StopAsync()"/>) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            Running.TryRemove(this, out _);
            _process.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} (pid {Pid})";

    private void KillTree()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Same race, reported by the OS.
        }
    }

    private async Task PumpAsync(StreamReader reader, bool isError)
    {
        // A dedicated pump per stream, not BeginOutputReadLine, so Exited can wait for the last line.
        await Task.Yield();
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                _tail.Add(line);
                try
                {
                    _onOutput?.Invoke(new ProcessLogLine(Name, line, isError, DateTimeOffset.Now));
                }
                catch (Exception)
                {
                    // A faulty log sink must not stop the pump: a full pipe would block the child.
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<int> WaitForExitAsync(Task stdout, Task stderr)
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        // The pipes close with the process, unless it left a grandchild holding them: don't wait forever then.
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        Running.TryRemove(this, out _);
        return _process.ExitCode;
    }

    private static void StopAllOnExit()
    {
        var left = Running.Keys.Where(p => !p.HasExited).ToList();
        foreach (var process in left)
        {
            process._stopRequested = true;
            PosixNative.TrySendSignal(process.Pid, PosixNative.SigTerm);
        }

        // ProcessExit handlers must be quick: a short grace, then SIGKILL.
        var deadline = DateTime.UtcNow.AddSeconds(2);
        foreach (var process in left)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !process.Exited.Wait(remaining))
            {
                process.KillTree();
            }
        }
    }

    private static string FindDotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}
