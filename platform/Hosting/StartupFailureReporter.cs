namespace EStore.Platform.Hosting;

/// <summary>
/// Turns an unhandled <see cref="StartupConfigurationException"/> into one clear line on
/// standard error and exit code 1, instead of the runtime's stack trace.
/// </summary>
public static class StartupFailureReporter
{
    private static int s_installed;

    /// <summary>Reports an unhandled startup failure on any thread as one line and exits with code 1 (once per process).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 1)
        {
            return;
        }
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (Unwrap(e.ExceptionObject as Exception) is { } failure)
            {
                Report(failure);
                Environment.Exit(1);
            }
        };
    }

    /// <summary>Writes <paramref name="failure"/> as one <c>crit: startup failed: Key: problem</c> line on standard error.</summary>
    public static void Report(StartupConfigurationException failure)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"crit: startup failed: {failure.Message}");
        Console.Error.Flush();
    }

    private static StartupConfigurationException FromValidation(Microsoft.Extensions.Options.OptionsValidationException invalid) =>
        StartupConfigurationException.FromLine(invalid.Failures.FirstOrDefault() ?? invalid.Message, invalid.OptionsType.Name, invalid);

    /// <summary>The configuration failure inside <paramref name="exception"/> (options validation included), or null.</summary>
    public static StartupConfigurationException? Unwrap(Exception? exception) => exception switch
    {
        StartupConfigurationException failure => failure,
        // Options validated at start (ValidateOnStart) name their key at the start of the message: "Key: problem".
        Microsoft.Extensions.Options.OptionsValidationException invalid => FromValidation(invalid),
        AggregateException aggregate => aggregate.InnerExceptions.Select(Unwrap).FirstOrDefault(f => f is not null),
        { InnerException: { } inner } => Unwrap(inner),
        _ => null,
    };
}
