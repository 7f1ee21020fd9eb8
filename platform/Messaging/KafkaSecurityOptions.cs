using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Messaging;

/// <summary>
/// How every Kafka client of a process (producer, consumers, admin client, the token revocation listener)
/// authenticates to the brokers, read from <c>Kafka:SecurityProtocol</c>, <c>Kafka:SaslMechanism</c>,
/// <c>Kafka:SaslUsername</c> and <c>Kafka:SaslPassword</c>. All optional: without them clients speak plaintext
/// without authentication (the local mock broker, which listens on loopback only).
/// </summary>
public sealed class KafkaSecurityOptions
{
    /// <summary>Configuration key of librdkafka's <c>security.protocol</c>: <c>PLAINTEXT</c>, <c>SSL</c>, <c>SASL_PLAINTEXT</c> or <c>SASL_SSL</c>.</summary>
    public const string SecurityProtocolKey = "Kafka:SecurityProtocol";
    /// <summary>Configuration key of the SASL mechanism: <c>SCRAM-SHA-512</c> (default with SASL), <c>SCRAM-SHA-256</c> or <c>PLAIN</c>.</summary>
    public const string SaslMechanismKey = "Kafka:SaslMechanism";
    /// <summary>Configuration key of the SASL user (the service's principal).</summary>
    public const string SaslUsernameKey = "Kafka:SaslUsername";
    /// <summary>Configuration key of the SASL password (never logged).</summary>
    public const string SaslPasswordKey = "Kafka:SaslPassword";

    private static readonly string[] Protocols = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];
    private static readonly string[] Mechanisms = ["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"];

    /// <summary>The security protocol; null for librdkafka's default (plaintext).</summary>
    public string? SecurityProtocol { get; set; }
    /// <summary>The SASL mechanism; with a SASL protocol and none given, <c>SCRAM-SHA-512</c>.</summary>
    public string? SaslMechanism { get; set; }
    /// <summary>The SASL user name.</summary>
    public string? SaslUsername { get; set; }
    /// <summary>The SASL password.</summary>
    public string? SaslPassword { get; set; }

    /// <summary>True when the protocol authenticates with SASL.</summary>
    public bool UsesSasl => SecurityProtocol is { } protocol && protocol.StartsWith("SASL_", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads and validates the settings (blank values count as unset). The one way they are read: Kafka clients
    /// (<see cref="MessagingSettings.WithSecurity"/>) and <c>IOptions&lt;KafkaSecurityOptions&gt;</c>, checked at start
    /// in every process, both come through here.
    /// </summary>
    /// <exception cref="StartupConfigurationException">A value is malformed or the combination is incomplete; the
    /// message names the key and never contains the password.</exception>
    public static KafkaSecurityOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new KafkaSecurityOptions
        {
            SecurityProtocol = Text(configuration, SecurityProtocolKey),
            SaslMechanism = Text(configuration, SaslMechanismKey),
            SaslUsername = Text(configuration, SaslUsernameKey),
            // Kept as given: a password may begin or end with spaces.
            SaslPassword = configuration[SaslPasswordKey] is { Length: > 0 } password ? password : null,
        };
        if (Problem(options) is { } problem)
        {
            throw new StartupConfigurationException(problem.Key, problem.Message);
        }
        return options;
    }

    /// <summary>The librdkafka properties these settings stand for (empty when none is set).</summary>
    public IReadOnlyDictionary<string, string> ToClientProperties()
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (SecurityProtocol is { } protocol)
        {
            properties["security.protocol"] = protocol.ToUpperInvariant();
        }
        if (UsesSasl)
        {
            properties["sasl.mechanism"] = (SaslMechanism ?? Mechanisms[0]).ToUpperInvariant();
            properties["sasl.username"] = SaslUsername!;
            properties["sasl.password"] = SaslPassword!;
        }
        return properties;
    }

    /// <summary>The settings without the password, for logs and error messages.</summary>
    public override string ToString() =>
        $"SecurityProtocol={SecurityProtocol ?? "(default)"}, SaslMechanism={SaslMechanism ?? "(default)"}, SaslUsername={SaslUsername ?? "(none)"}, SaslPassword={(SaslPassword is null ? "(none)" : "***")}";

    /// <summary>Fills registered options from <see cref="FromConfiguration"/> (for <c>IOptions</c>).</summary>
    internal static void Configure(KafkaSecurityOptions options, IConfiguration configuration)
    {
        var read = FromConfiguration(configuration);
        options.SecurityProtocol = read.SecurityProtocol;
        options.SaslMechanism = read.SaslMechanism;
        options.SaslUsername = read.SaslUsername;
        options.SaslPassword = read.SaslPassword;
    }

    // The first thing wrong, as (key, message); the message never contains the password.
    private static (string Key, string Message)? Problem(KafkaSecurityOptions options)
    {
        if (options.SecurityProtocol is { } protocol && !Protocols.Contains(protocol, StringComparer.OrdinalIgnoreCase))
        {
            return (SecurityProtocolKey, $"'{protocol}' is not one of {string.Join(", ", Protocols)}.");
        }
        if (options.SaslMechanism is { } mechanism && !Mechanisms.Contains(mechanism, StringComparer.OrdinalIgnoreCase))
        {
            return (SaslMechanismKey, $"'{mechanism}' is not one of {string.Join(", ", Mechanisms)}.");
        }
        if (options.UsesSasl)
        {
            if (options.SaslUsername is null)
            {
                return (SaslUsernameKey, $"is required with {SecurityProtocolKey} {options.SecurityProtocol}.");
            }
            if (options.SaslPassword is null)
            {
                return (SaslPasswordKey, $"is required with {SecurityProtocolKey} {options.SecurityProtocol}.");
            }
        }
        else if (options.SaslMechanism is not null || options.SaslUsername is not null || options.SaslPassword is not null)
        {
            // Credentials that would silently go unused are a misconfiguration, not a default.
            return (SecurityProtocolKey, "must be SASL_PLAINTEXT or SASL_SSL when Kafka:SaslMechanism, Kafka:SaslUsername or Kafka:SaslPassword is set.");
        }
        return null;
    }

    private static string? Text(IConfiguration configuration, string key) =>
        configuration[key] is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
}
