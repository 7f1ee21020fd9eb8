using System.Diagnostics;

namespace EStore.Compatibility.Tests;

/// <summary>
/// Installs eureka-js-client from the npm registry (versions pinned by the committed
/// package-lock.json) into the test's output folder, once per test run.
/// </summary>
internal static class EurekaJsInstall
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _installed;

    /// <summary>The folder holding probe.js and node_modules.</summary>
    public static async Task<string> EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_installed is not null)
            {
                return _installed;
            }
            var directory = Path.Combine(AppContext.BaseDirectory, "eureka-js");
            await RequireToolAsync("node", directory);
            await RequireToolAsync("npm", directory);
            if (!File.Exists(Path.Combine(directory, "node_modules", "eureka-js-client", "package.json")))
            {
                var (exitCode, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], directory, TimeSpan.FromMinutes(5));
                Assert.True(exitCode == 0, $"npm ci (installing eureka-js-client 4.5.0 from the npm registry) failed with exit code {exitCode}:\n{output}");
            }
            _installed = directory;
            return directory;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task RequireToolAsync(string tool, string directory)
    {
        try
        {
            var (exitCode, _) = await RunAsync(tool, ["--version"], directory, TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, $"'{tool} --version' failed");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"'{tool}' is not installed: the compatibility tests need Node.js 18+ and npm on the PATH (Debian: apt-get install nodejs npm).");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds} s");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
