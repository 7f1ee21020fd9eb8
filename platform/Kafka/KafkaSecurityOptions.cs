using EStore.Platform.Hosting;

namespace EStore.Platform.Kafka;

/// <summary>
/// How every Kafka client of a process (producer, consumers, admin client, the token revocation listener)
/// authenticates to the brokers, read from <c>Kafka:SecurityProtocol</c>, <c>Kafka:SaslMechanism</c>,
/// <c>Kafka:SaslUsername</c> and <c>Kafka:SaslPassword</c>. All optional: without them clients speak plaintext
/// without authentication (the local mock broker, which listens on loopback only). Every process with a Kafka client
/// validates them at start as part of <see cref="KafkaOptions"/>, so the validated values and the ones the Kafka
/// clients use are the same.
/// </summary>
public class KafkaSecurityOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Kafka";

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
    /// <summary>The SASL password (kept as given: a password may begin or end with spaces).</summary>
    [Secret]
    public string? SaslPassword { get; set; }

    /// <summary>True when the protocol authenticates with SASL.</summary>
    public bool UsesSasl => SecurityProtocol is { } protocol && protocol.StartsWith("SASL_", StringComparison.OrdinalIgnoreCase);

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

    /// <summary>Checks the protocol, the mechanism and that SASL has its credentials; never prints the password.</summary>
    public virtual void Validate(OptionsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        check.OneOf(SecurityProtocol, Protocols);
        check.OneOf(SaslMechanism, Mechanisms);
        if (UsesSasl)
        {
            check.Require(SaslUsername is not null, nameof(SaslUsername), $"is required with {SecurityProtocolKey} {SecurityProtocol}.");
            check.Require(SaslPassword is not null, nameof(SaslPassword), $"is required with {SecurityProtocolKey} {SecurityProtocol}.");
        }
        else if (SaslMechanism is not null || SaslUsername is not null || SaslPassword is not null)
        {
            // Credentials that would silently go unused are a misconfiguration, not a default.
            check.Fail(nameof(SecurityProtocol), "must be SASL_PLAINTEXT or SASL_SSL when Kafka:SaslMechanism, Kafka:SaslUsername or Kafka:SaslPassword is set.");
        }
    }
}
