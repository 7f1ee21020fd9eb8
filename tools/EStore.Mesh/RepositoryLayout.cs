using System.Reflection;

namespace EStore.Mesh;

/// <summary>
/// Where the repository and its build outputs are: <c>artifacts/bin/&lt;Project&gt;/&lt;config&gt;/&lt;Project&gt;.dll</c>
/// (Directory.Build.props sets UseArtifactsOutput).
/// </summary>
public sealed class RepositoryLayout
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFileName = "EStore.sln";

    // Only the root holds the central package file, so it also identifies the root before EStore.sln exists.
    private const string FallbackMarkerFileName = "Directory.Packages.props";

    private static readonly string[] KnownConfigurations = ["debug", "release"];

    /// <summary>Creates a layout for an explicit root.</summary>
    /// <param name="root">The repository root directory.</param>
    /// <param name="configuration">
    /// <c>debug</c> or <c>release</c> to use exactly that build; null for <see cref="CurrentBuildConfiguration"/>
    /// with a fall-back to whichever configuration a project has been built in.
    /// </param>
    public RepositoryLayout(string root, string? configuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        if (configuration is not null)
        {
            Configuration = NormalizeConfiguration(configuration)
                ?? throw new ArgumentException($"configuration must be debug or release, not '{configuration}'", nameof(configuration));
        }
    }

    /// <summary>The repository root (the directory holding EStore.sln).</summary>
    public string Root { get; }

    /// <summary>The configuration asked for explicitly (lower-case), or null to choose automatically.</summary>
    public string? Configuration { get; }

    /// <summary>The configuration tried first: the explicit one or <see cref="CurrentBuildConfiguration"/>.</summary>
    public string PreferredConfiguration => Configuration ?? CurrentBuildConfiguration;

    /// <summary><c>&lt;root&gt;/artifacts/bin</c>.</summary>
    public string BinDirectory => Path.Combine(Root, "artifacts", "bin");

    /// <summary>
    /// The configuration this library was built in, lower-case. Project references build in the caller's
    /// configuration, so this is also the launcher's or test project's configuration.
    /// </summary>
    public static string CurrentBuildConfiguration { get; } =
        NormalizeConfiguration(typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration)
        ?? "debug";

    /// <summary>Finds the root upward from <paramref name="startDirectory"/> (default: AppContext.BaseDirectory).</summary>
    /// <exception cref="DirectoryNotFoundException">No EStore.sln above the start directory.</exception>
    public static RepositoryLayout Discover(string? startDirectory = null, string? configuration = null) =>
        new(FindRoot(startDirectory), configuration);

    /// <summary>The directory containing EStore.sln, searched upward from <paramref name="startDirectory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    public static string FindRoot(string? startDirectory = null)
    {
        var start = Path.GetFullPath(startDirectory ?? AppContext.BaseDirectory);
        return FindUpward(start, SolutionFileName)
            ?? FindUpward(start, FallbackMarkerFileName)
            ?? throw new DirectoryNotFoundException($"no {SolutionFileName} in {start} or any parent directory");
    }

    /// <summary>The path a project's dll has in one configuration (it may not exist).</summary>
    public string GetDllPath(string projectName, string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectName);
        var config = NormalizeConfiguration(configuration)
            ?? throw new ArgumentException($"configuration must be debug or release, not '{configuration}'", nameof(configuration));
        return Path.Combine(BinDirectory, projectName, config, projectName + ".dll");
    }

    /// <summary>The path the project's dll would have in <see cref="PreferredConfiguration"/>.</summary>
    public string GetExpectedDllPath(string projectName) => GetDllPath(projectName, PreferredConfiguration);

    /// <summary>
    /// The built dll of a project: the preferred configuration, or (when none was given explicitly) whichever
    /// other configuration exists. Null when it has not been built.
    /// </summary>
    public string? FindDll(string projectName)
    {
        var preferred = GetDllPath(projectName, PreferredConfiguration);
        if (File.Exists(preferred))
        {
            return preferred;
        }

        if (Configuration is not null)
        {
            return null;
        }

        return KnownConfigurations
            .Select(c => GetDllPath(projectName, c))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Lower-cases <c>Debug</c>/<c>Release</c>; null for anything else.</summary>
    public static string? NormalizeConfiguration(string? configuration)
    {
        var lower = configuration?.Trim().ToLowerInvariant();
        return lower is not null && KnownConfigurations.Contains(lower) ? lower : null;
    }

    private static string? FindUpward(string start, string marker)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, marker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
