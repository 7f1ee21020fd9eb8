using System.Globalization;

namespace EStore.Broker;

/// <summary>Command-line options of the broker executable.</summary>
internal sealed class BrokerOptions
{
    // librdkafka's mock cluster auto-creates topics with this many partitions; pre-created topics follow suit.
    private const int DefaultPartitions = 4;

    public const string Usage = """
        usage: EStore.Broker [--brokers N] [--partitions N] [--topic name[:partitions]]... [--exit-on-stdin-close]

          --brokers N              number of mock brokers (default 1)
          --partitions N           partitions of each --topic given without a count (default 4; topics that
                                   clients auto-create always get librdkafka's default, 4)
          --topic name[:N]         create a topic up front (repeatable)
          --exit-on-stdin-close    also stop when standard input reaches end of file (the parent went away)
          --help                   show this text

        Prints BOOTSTRAP_SERVERS=<host:port,...> on stdout, then runs until SIGTERM/SIGINT.
        """;

    public int Brokers { get; private set; } = 1;

    public int Partitions { get; private set; } = DefaultPartitions;

    public List<(string Name, int? Partitions)> Topics { get; } = [];

    public bool ExitOnStdinClose { get; private set; }

    public bool ShowHelp { get; private set; }

    public static BrokerOptions Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new BrokerOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            switch (arg)
            {
                case "--help" or "-h":
                    options.ShowHelp = true;
                    break;
                case "--exit-on-stdin-close":
                    options.ExitOnStdinClose = true;
                    break;
                case "--brokers":
                    if (!TryPositive(arg, inlineValue ?? Next(args, ref i), out var brokers, out error))
                    {
                        return options;
                    }

                    options.Brokers = brokers;
                    break;
                case "--partitions":
                    if (!TryPositive(arg, inlineValue ?? Next(args, ref i), out var partitions, out error))
                    {
                        return options;
                    }

                    options.Partitions = partitions;
                    break;
                case "--topic":
                    var spec = inlineValue ?? Next(args, ref i);
                    if (!TryTopic(spec, out var topic, out error))
                    {
                        return options;
                    }

                    options.Topics.Add(topic);
                    break;
                default:
                    error = $"unknown option '{args[i]}'";
                    return options;
            }
        }

        return options;
    }

    private static string? Next(IReadOnlyList<string> args, ref int i) => i + 1 < args.Count ? args[++i] : null;

    private static bool TryPositive(string option, string? value, out int result, out string? error)
    {
        error = null;
        if (value is null)
        {
            result = 0;
            error = $"{option} needs a value";
            return false;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) || result < 1 || result > 1000)
        {
            error = $"{option} must be a whole number from 1 to 1000, not '{value}'";
            return false;
        }

        return true;
    }

    private static bool TryTopic(string? spec, out (string Name, int? Partitions) topic, out string? error)
    {
        topic = default;
        error = null;
        if (string.IsNullOrWhiteSpace(spec))
        {
            error = "--topic needs a value: name[:partitions]";
            return false;
        }

        var colon = spec.LastIndexOf(':');
        var name = colon < 0 ? spec : spec[..colon];
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            error = $"--topic '{spec}': a topic name uses only letters, digits, '.', '_' and '-'";
            return false;
        }

        if (colon < 0)
        {
            topic = (name, null);
            return true;
        }

        if (!TryPositive($"--topic {name}: partitions", spec[(colon + 1)..], out var partitions, out error))
        {
            return false;
        }

        topic = (name, partitions);
        return true;
    }
}
