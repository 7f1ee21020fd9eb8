using EStore.Platform.Discovery;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Tests;

/// <summary>The one way settings are read: bound per section, a blank number means default, every failure one line naming the key.</summary>
public sealed class ValidatedOptionsTests
{
    [Fact]
    public void Blank_values_keep_their_default_and_values_are_trimmed_except_secrets()
    {
        var options = Configuration(("Sample:Count", "  "), ("Sample:Name", " shop "), ("Sample:Password", " pass ")).GetValidatedOptions<SampleOptions>("Sample");

        Assert.Equal(7, options.Count);
        Assert.Equal("shop", options.Name);
        Assert.Equal(" pass ", options.Password);
    }

    [Fact]
    public void A_blank_text_with_a_default_is_empty_text_so_that_empty_can_mean_none()
    {
        var options = Configuration(("Sample:Peers", " "), ("Sample:Name", " ")).GetValidatedOptions<SampleOptions>("Sample");

        Assert.Equal("", options.Peers);
        Assert.Null(options.Name);
    }

    [Fact]
    public void A_discovery_server_with_an_empty_service_url_has_no_peers()
    {
        var options = Configuration(("Eureka:Client:ServiceUrl", "")).GetValidatedOptions<EurekaClientOptions>(EurekaClientOptions.Section);

        Assert.Empty(options.ServiceUrls);
    }

    [Fact]
    public void An_unparsable_secret_is_named_by_its_key_without_its_value()
    {
        var error = Assert.Throws<StartupConfigurationException>(() =>
            Configuration(("Sample:Pin", "hunter2")).GetValidatedOptions<SampleOptions>("Sample"));

        Assert.Equal("Sample:Pin: The value is not a whole number.", error.Message);
    }

    [Fact]
    public async Task Registered_options_are_checked_at_start_with_the_same_one_line_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sample:Count"] = "11" });
        builder.AddValidatedOptions<SampleOptions>("Sample");
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Equal("Sample:Count: '11' must be from 1 to 10.", StartupFailureReporter.Unwrap(error)?.Message);
        Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SampleOptions>>().Value);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class SampleOptions : IValidatedOptions
    {
        public int Count { get; set; } = 7;

        public string? Name { get; set; }

        public string Peers { get; set; } = "http://localhost:8761/eureka/";

        [Secret]
        public string? Password { get; set; }

        [Secret]
        public int? Pin { get; set; }

        public void Validate(OptionsCheck check) => check.Range(Count, 1, 10);
    }
}
