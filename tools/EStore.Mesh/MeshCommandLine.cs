using System.Globalization;

namespace EStore.Mesh;

/// <summary>The launcher's parsed command line.</summary>
public sealed class MeshLaunchArguments
{
    private readonly Dictionary<string, int> _scale = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The command; only <c>up</c> exists.</summary>
    public string Command { get; internal set; } = "up";

    /// <summary><c>--ports fixed|auto</c>.</summary>
    public MeshPortMode Ports { get; internal set; } = MeshPortMode.Fixed;

    /// <summary><c>--scale app=N</c>, by catalog app name.</summary>
    public IReadOnlyDictionary<string, int> Scale => _scale;

    /// <summary><c>--data dir</c> as an absolute path; null for the default.</summary>
    public string? DataDirectory { get; internal set; }

    /// <summary><c>--config debug|release</c> (lower-case); null to choose automatically.</summary>
    public string? Configuration { get; internal set; }

    /// <summary><c>--fail-fast</c>: the first crash of any process stops the mesh, instead of a restart.</summary>
    public bool FailFast { get; internal set; }

    /// <summary><c>--help</c> was given.</summary>
    public bool ShowHelp { get; internal set; }

    internal void SetScale(string app, int count) => _scale[app] = count;

    /// <summary>Host options for these arguments; the caller adds callbacks and anything else.</summary>
    public MeshHostOptions ToHostOptions()
    {
        var options = new MeshHostOptions
        {
            Ports = Ports,
            DataDirectory = DataDirectory,
            Configuration = Configuration,
            // ./estore up is the local demo: an empty database starts with the demo shops and catalog.
            SeedDemoData = true,
            // Payments go to the local Stripe-compatible sandbox, never to a real provider.
            StartPaymentSandbox = true,
            // A crashed instance is started again (compose's restart: on-failure), unless --fail-fast.
            RestartCrashedInstances = !FailFast,
        };
        foreach (var (app, count) in Scale)
        {
            options.Scale[app] = count;
        }

        return options;
    }
}

/// <summary>The result of <see cref="MeshCommandLine.Parse"/>: arguments or a one-line error.</summary>
/// <param name="Arguments">The arguments when parsing succeeded.</param>
/// <param name="Error">The error when it did not.</param>
public sealed record MeshCommandLineResult(MeshLaunchArguments? Arguments, string? Error)
{
    /// <summary>True when <see cref="Arguments"/> is set.</summary>
    public bool IsSuccess => Arguments is not null;
}

/// <summary>The launcher's command-line syntax, kept here so tests can check it without starting anything.</summary>
public static class MeshCommandLine
{
    /// <summary>The most instances one app may have.</summary>
    public const int MaxScale = 32;

    /// <summary>The usage text.</summary>
    public static string Usage { get; } = $"""
        usage: EStore.Launcher [up] [--ports fixed|auto] [--scale app=N]... [--data dir] [--config debug|release] [--fail-fast]

          up                      start the whole mesh and stream its logs until Ctrl+C (the default command)
          --ports fixed|auto      fixed: instance 1 of each app on its usual port (gateway 8080, discovery 8761,
                                  ...); auto: every process on a free port (default fixed)
          --scale app=N           run N instances of an app (repeatable; 0 skips a service)
          --data dir              directory for the SQLite databases (default <repo>/data); empty databases
                                  start with the demo shops and catalog (Demo:SeedData)
          --config debug|release  which build to run (default: the launcher's own, else whichever exists)
          --fail-fast             stop everything when a process crashes (default: restart the crashed
                                  instance with a back-off; one that keeps crashing at start stays down)
          --help                  show this text

        apps: {string.Join(", ", ServiceCatalog.AppNames)}
        """;

    /// <summary>Parses the launcher's arguments; relative <c>--data</c> paths resolve against the current directory.</summary>
    public static MeshCommandLineResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new MeshLaunchArguments();
        var start = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            if (args[0] != "up")
            {
                return Fail($"unknown command '{args[0]}' (the only command is 'up')");
            }

            start = 1;
        }

        for (var i = start; i < args.Count; i++)
        {
            var option = args[i];
            string? value = null;
            var eq = option.IndexOf('=');
            if (option.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = option[(eq + 1)..];
                option = option[..eq];
            }

            if (option is "--help" or "-h")
            {
                result.ShowHelp = true;
                continue;
            }

            if (option == "--fail-fast")
            {
                if (value is not null)
                {
                    return Fail("--fail-fast takes no value");
                }

                result.FailFast = true;
                continue;
            }

            if (option is not ("--ports" or "--scale" or "--data" or "--config"))
            {
                return Fail(args[i].StartsWith('-') ? $"unknown option '{args[i]}'" : $"unexpected argument '{args[i]}'");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return Fail($"{option} needs a value");
                }

                value = args[++i];
            }

            var error = option switch
            {
                "--ports" => ParsePorts(value, result),
                "--scale" => ParseScale(value, result),
                "--data" => ParseData(value, result),
                _ => ParseConfig(value, result),
            };
            if (error is not null)
            {
                return Fail(error);
            }
        }

        return new MeshCommandLineResult(result, null);
    }

    private static MeshCommandLineResult Fail(string error) => new(null, error);

    private static string? ParsePorts(string value, MeshLaunchArguments result)
    {
        switch (value.ToLowerInvariant())
        {
            case "fixed":
                result.Ports = MeshPortMode.Fixed;
                return null;
            case "auto":
                result.Ports = MeshPortMode.Auto;
                return null;
            default:
                return $"--ports must be 'fixed' or 'auto', not '{value}'";
        }
    }

    private static string? ParseScale(string value, MeshLaunchArguments result)
    {
        var eq = value.IndexOf('=');
        if (eq <= 0 || eq == value.Length - 1)
        {
            return $"--scale expects app=N (e.g. product-service=2), not '{value}'";
        }

        var app = value[..eq].Trim();
        var countText = value[(eq + 1)..].Trim();
        if (!ServiceCatalog.TryFind(app, out var definition))
        {
            return $"--scale: {ServiceCatalog.UnknownAppMessage(app)}";
        }

        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > MaxScale)
        {
            return $"--scale {app}: N must be a whole number from 0 to {MaxScale}, not '{countText}'";
        }

        if (definition.Role == MeshRole.Discovery && count != 1)
        {
            return "--scale: discovery runs as a single instance and cannot be scaled";
        }

        if (definition.Role == MeshRole.Gateway && count == 0)
        {
            return "--scale: the gateway cannot be scaled to 0";
        }

        result.SetScale(definition.AppName, count);
        return null;
    }

    private static string? ParseData(string value, MeshLaunchArguments result)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "--data needs a directory";
        }

        try
        {
            result.DataDirectory = Path.GetFullPath(value);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"--data: '{value}' is not a usable path ({ex.Message})";
        }
    }

    private static string? ParseConfig(string value, MeshLaunchArguments result)
    {
        result.Configuration = RepositoryLayout.NormalizeConfiguration(value);
        return result.Configuration is null ? $"--config must be 'debug' or 'release', not '{value}'" : null;
    }
}
