using System.Diagnostics;
using EStore.Mesh;

namespace EStore.Deployment.Tests;

/// <summary>The repository's files and the command-line tools the deployment tests run.</summary>
internal static class Tooling
{
    public static string Root { get; } = RepositoryLayout.FindRoot(AppContext.BaseDirectory);

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>
    /// The kubectl binaries to render with: <c>ESTORE_KUBECTL</c> alone when set; otherwise Debian's 1.20 (installed,
    /// or unpacked under artifacts/tools/ by build/prerequisites.sh where another kubectl owns the PATH) and the one on
    /// the PATH, when that is another. Both must render every overlay.
    /// </summary>
    public static IReadOnlyList<string> Kubectls()
    {
        if (Environment.GetEnvironmentVariable("ESTORE_KUBECTL") is { Length: > 0 } chosen)
        {
            return [chosen];
        }
        var found = new List<string>();
        var unpacked = PathOf("artifacts", "tools", "kubernetes-client", "usr", "bin", "kubectl");
        if (File.Exists(unpacked))
        {
            found.Add(unpacked);
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, "kubectl"))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            found.Add(onPath);
        }
        Assert.True(found.Count > 0, "no kubectl: run build/prerequisites.sh test (it installs Debian's kubernetes-client)");
        return found;
    }

    /// <summary>
    /// Runs a program to its end (bounded), feeding <paramref name="input"/> to its standard input, with
    /// <paramref name="environment"/>'s variables set (a null value removes one).
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, IEnumerable<string> arguments, string? input = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            UseShellExecute = false,
            WorkingDirectory = Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.WriteAsync(input ?? "");
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within 2 minutes");
        }
        return (process.ExitCode, await output, await errors);
    }
}
