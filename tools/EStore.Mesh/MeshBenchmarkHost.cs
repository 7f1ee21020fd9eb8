using System.Runtime.InteropServices;

namespace EStore.Mesh;

/// <summary>
/// Keeps a mesh up for a benchmark script: the script starts the program in the background, waits for its
/// ready file, drives the load, and stops it with SIGTERM.
/// </summary>
public static class MeshBenchmarkHost
{
    /// <summary>
    /// Options for a benchmark's mesh: the Release build on OS-chosen ports, demo data in a temporary directory
    /// deleted afterwards, children's output on this console, and only warnings in their logs (per-request
    /// logging would weigh on what is measured).
    /// </summary>
    public static MeshHostOptions CreateOptions(string benchmark)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(benchmark);
        var options = new MeshHostOptions
        {
            Configuration = "release",
            Ports = MeshPortMode.Auto,
            SeedDemoData = true,
            DataDirectory = Path.Combine(Path.GetTempPath(), $"estore-bench-{benchmark}-{Guid.NewGuid().ToString("N")[..12]}"),
            DeleteDataDirectoryOnDispose = true,
            OnProgress = message => Console.WriteLine($"[mesh] {message}"),
            OnOutput = line => Console.WriteLine($"[{line.Source}] {line.Text}"),
        };
        options.Environment["Logging__LogLevel__Default"] = "Warning";
        options.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        return options;
    }

    /// <summary>
    /// Starts the mesh, lets <paramref name="prepare"/> finish the setup and return the ready file's text, writes
    /// <paramref name="readyFile"/> in one step, then waits for SIGINT or SIGTERM (exit code 0) or for a process of
    /// the mesh to die (exit code 1). The mesh is stopped in order either way.
    /// </summary>
    public static async Task<int> RunAsync(MeshHostOptions options, string readyFile, Func<MeshHost, CancellationToken, Task<string>> prepare)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(readyFile);
        ArgumentNullException.ThrowIfNull(prepare);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        void OnSignal(PosixSignalContext context)
        {
            // Stop the children in order instead of letting the runtime exit under them.
            context.Cancel = true;
            stop.TrySetResult();
            startup.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var mesh = await MeshHost.StartAsync(options, startup.Token);
        var text = await prepare(mesh, startup.Token);
        await File.WriteAllTextAsync(readyFile + ".tmp", text, CancellationToken.None);
        File.Move(readyFile + ".tmp", readyFile, overwrite: true);

        var ended = await Task.WhenAny(stop.Task, mesh.Failure);
        if (ended == mesh.Failure)
        {
            await Console.Error.WriteLineAsync(mesh.Failure.Result.ToString());
            return 1;
        }
        return 0;
    }
}
