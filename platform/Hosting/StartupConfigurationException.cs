namespace EStore.Platform.Hosting;

/// <summary>
/// A configuration problem that stops a process from starting. It is reported as one log line
/// naming the configuration key, never as a stack trace, and the process exits with code 1.
/// </summary>
public sealed class StartupConfigurationException : Exception
{
    /// <summary>Creates the exception for a configuration key.</summary>
    /// <param name="key">The configuration key at fault, for example <c>Database:Provider</c>.</param>
    /// <param name="message">What is wrong and what would be right.</param>
    /// <param name="innerException">The underlying error, if any (not printed).</param>
    public StartupConfigurationException(string key, string message, Exception? innerException = null)
        : base($"{key}: {message}", innerException)
    {
        Key = key;
    }

    /// <summary>The configuration key at fault.</summary>
    public string Key { get; }

    /// <summary>The exception for a validation line <c>Key: problem</c> (<paramref name="fallbackKey"/> when it names none).</summary>
    internal static StartupConfigurationException FromLine(string line, string fallbackKey = "", Exception? innerException = null)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0
            ? new StartupConfigurationException(line[..colon], line[(colon + 2)..], innerException)
            : new StartupConfigurationException(fallbackKey, line, innerException);
    }
}
