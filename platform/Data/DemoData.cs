using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Data;

/// <summary>
/// The <c>Demo:SeedData</c> setting: whether a service fills an empty database with its demo data (shop-service's
/// demo shops, product-service's demo catalog). Off by default, so production starts empty; the local launcher
/// (<c>./estore up</c>) and the tests that browse the demo catalog turn it on.
/// </summary>
public sealed class DemoOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Demo";

    /// <summary>Whether an empty database gets the service's demo data.</summary>
    public bool SeedData { get; set; }
}

/// <summary>Reads <see cref="DemoOptions"/> while services are registered (the seed function is chosen then).</summary>
public static class DemoData
{
    /// <summary>Configuration key of the setting (<c>Demo__SeedData</c> as an environment variable).</summary>
    public const string SeedDataKey = "Demo:SeedData";

    /// <summary>Reads the setting: true or false (any case), false when absent or empty.</summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <exception cref="StartupConfigurationException">The value is neither true nor false.</exception>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValidatedOptions<DemoOptions>(DemoOptions.Section).SeedData;
}
