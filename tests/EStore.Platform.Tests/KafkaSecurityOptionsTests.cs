using EStore.Platform.Hosting;
using EStore.Platform.Kafka;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Tests;

public sealed class KafkaSecurityOptionsTests
{
    private const string Password = "s3cret-Pa55";

    [Fact]
    public void Without_settings_clients_get_no_security_properties()
    {
        var settings = Messaging(Configuration());

        Assert.DoesNotContain(settings.ClientProperties.Keys, k => k.StartsWith("sasl.", StringComparison.Ordinal) || k == "security.protocol");
    }

    [Fact]
    public void Sasl_scram_settings_reach_every_client_through_the_shared_properties()
    {
        var settings = Messaging(Configuration(
            (KafkaSecurityOptions.SecurityProtocolKey, "sasl_plaintext"),
            (KafkaSecurityOptions.SaslUsernameKey, "product-service"),
            (KafkaSecurityOptions.SaslPasswordKey, Password)));

        // Producer, consumers and the admin client are all built on ClientProperties (KafkaClients.Merge).
        Assert.Equal("SASL_PLAINTEXT", settings.ClientProperties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", settings.ClientProperties["sasl.mechanism"]);
        Assert.Equal("product-service", settings.ClientProperties["sasl.username"]);
        Assert.Equal(Password, settings.ClientProperties["sasl.password"]);
    }

    [Theory]
    [InlineData("SASL_SSL", null, "user", null, KafkaSecurityOptions.SaslPasswordKey)]
    [InlineData("SASL_PLAINTEXT", null, null, Password, KafkaSecurityOptions.SaslUsernameKey)]
    [InlineData(null, null, "user", Password, KafkaSecurityOptions.SecurityProtocolKey)]
    [InlineData("PLAINTEXT", "SCRAM-SHA-256", null, null, KafkaSecurityOptions.SecurityProtocolKey)]
    [InlineData("TLS", null, null, null, KafkaSecurityOptions.SecurityProtocolKey)]
    [InlineData("SASL_PLAINTEXT", "GSSAPI", "user", Password, KafkaSecurityOptions.SaslMechanismKey)]
    public void Incomplete_or_unknown_settings_stop_startup_naming_the_key_but_never_the_password(
        string? protocol, string? mechanism, string? user, string? password, string expectedKey)
    {
        var configuration = Configuration(
            (KafkaSecurityOptions.SecurityProtocolKey, protocol),
            (KafkaSecurityOptions.SaslMechanismKey, mechanism),
            (KafkaSecurityOptions.SaslUsernameKey, user),
            (KafkaSecurityOptions.SaslPasswordKey, password));

        var error = Assert.Throws<StartupConfigurationException>(() => Security(configuration));

        Assert.Equal(expectedKey, error.Key);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_contradicting_client_property_is_refused_without_showing_either_password()
    {
        var configuration = Configuration(
            (KafkaSecurityOptions.SecurityProtocolKey, "SASL_PLAINTEXT"),
            (KafkaSecurityOptions.SaslUsernameKey, "product-service"),
            (KafkaSecurityOptions.SaslPasswordKey, Password),
            ("Kafka:Client:sasl.password", "other-secret"));

        var error = Assert.Throws<StartupConfigurationException>(() => Messaging(configuration));

        Assert.Equal("Kafka:Client:sasl.password", error.Key);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_print_without_the_password()
    {
        var options = Security(Configuration(
            (KafkaSecurityOptions.SecurityProtocolKey, "SASL_PLAINTEXT"),
            (KafkaSecurityOptions.SaslUsernameKey, "gateway"),
            (KafkaSecurityOptions.SaslPasswordKey, Password)));

        Assert.DoesNotContain(Password, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("gateway", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_that_reads_revocations_from_kafka_validates_the_kafka_security_settings_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestService.StartAsync(settings: new Dictionary<string, string?>
        {
            [KafkaSecurityOptions.SaslUsernameKey] = "gateway",
            [KafkaSecurityOptions.SaslPasswordKey] = Password,
        }, configure: builder => builder.AddServiceAuthentication()));

        var failure = StartupFailureReporter.Unwrap(error);
        Assert.NotNull(failure);
        Assert.Equal(KafkaSecurityOptions.SecurityProtocolKey, failure.Key);
        Assert.DoesNotContain(Password, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_security_settings_reach_the_kafka_clients_as_validated()
    {
        var values = new Dictionary<string, string?>
        {
            [KafkaSecurityOptions.SecurityProtocolKey] = " sasl_ssl ",
            [KafkaSecurityOptions.SaslMechanismKey] = "SCRAM-SHA-256",
            [KafkaSecurityOptions.SaslUsernameKey] = "gateway",
            [KafkaSecurityOptions.SaslPasswordKey] = " " + Password,
        };
        var configuration = Configuration([.. values.Select(v => (v.Key, v.Value))]);

        var options = Security(configuration);
        var clients = Messaging(configuration);

        var expected = options.ToClientProperties();
        Assert.Equal(4, expected.Count);
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, clients.ClientProperties[key]);
        }
        Assert.Equal(" " + Password, options.SaslPassword);
    }

    private static KafkaSecurityOptions Security(IConfiguration configuration) =>
        configuration.GetValidatedOptions<KafkaSecurityOptions>(KafkaSecurityOptions.Section);

    // The client properties as AddKafkaMessaging resolves them.
    private static MessagingSettings Messaging(IConfiguration configuration) => MessagingSettings.For(
        configuration.GetValidatedOptions<KafkaOptions>(KafkaOptions.Section), new MessagingOptions(), "product-service");

    private static IConfiguration Configuration(params (string Key, string? Value)[] values)
    {
        var data = new Dictionary<string, string?> { [MessagingSettings.BootstrapServersKey] = "127.0.0.1:9092" };
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }
}
