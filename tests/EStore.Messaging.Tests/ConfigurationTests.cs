using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Hosting;
using EStore.Platform.Kafka;
using EStore.Platform.Messaging;
using Microsoft.Extensions.Configuration;

namespace EStore.Messaging.Tests;

/// <summary>Startup configuration errors are one clear line naming the key.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_bootstrap_servers_fail_startup_naming_the_key(string? value)
    {
        var settings = LedgerSettings.Postgres("x", "Host=127.0.0.1", "a");
        settings["Kafka:BootstrapServers"] = value;

        var error = Assert.Throws<StartupConfigurationException>(() => LedgerApp.Build(settings, []));

        Assert.Equal("Kafka:BootstrapServers", error.Key);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("Kafka:Producer:enable.idempotence", "false")]
    [InlineData("Kafka:Producer:acks", "1")]
    [InlineData("Kafka:Consumer:enable.auto.commit", "true")]
    [InlineData("Kafka:Partitions", "zero")]
    [InlineData("Messaging:Consumer:MaxAttempts", "0")]
    [InlineData("Messaging:Relay:LeaseSeconds", "10")]
    public void A_setting_that_would_break_the_guarantees_or_is_malformed_fails_startup(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
            [key] = value,
        }).Build();

        var error = Assert.Throws<StartupConfigurationException>(() => Read(configuration));

        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Defaults_follow_the_architecture_and_the_consumer_group_is_the_app_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
            ["Kafka:Producer:acks"] = "-1",
            ["Kafka:Consumer:session.timeout.ms"] = "10000",
        }).Build();

        var settings = Read(configuration);

        Assert.Equal(6, settings.Partitions);
        Assert.Equal("order-service", settings.ConsumerGroup);
        Assert.Equal("10000", settings.ConsumerProperties["session.timeout.ms"]);
        Assert.Equal(5, settings.MaxAttempts);
    }

    // What AddKafkaMessaging resolves: both sections bound and validated, then combined.
    private static MessagingSettings Read(IConfiguration configuration) => MessagingSettings.For(
        configuration.GetValidatedOptions<KafkaOptions>(KafkaOptions.Section),
        configuration.GetValidatedOptions<MessagingOptions>(MessagingOptions.Section),
        "order-service");
}
