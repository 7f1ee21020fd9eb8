using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Discovery;

/// <summary>Registers the Eureka client.</summary>
public static class DiscoveryExtensions
{
    /// <summary>
    /// Adds registration with Eureka, the registry cache (<see cref="EurekaRegistryCache"/>),
    /// and the <c>discovery</c> health component. Configured by <c>Eureka:Client:*</c> and
    /// <c>Eureka:Instance:*</c>.
    /// </summary>
    public static IHostApplicationBuilder AddEurekaDiscovery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<EurekaClientOptions>(builder.Configuration.GetSection(EurekaClientOptions.Section));
        services.Configure<EurekaInstanceOptions>(builder.Configuration.GetSection(EurekaInstanceOptions.Section));
        services.AddHttpClient<EurekaHttpClient>(http => http.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<EurekaRegistryCache>();
        services.AddSingleton<EurekaRegistrar>();
        services.AddHostedService(sp => sp.GetRequiredService<EurekaRegistrar>());
        services.AddHostedService<EurekaRegistryFetcher>();
        services.AddHealthChecks().AddCheck<DiscoveryHealthCheck>("discovery");
        return builder;
    }
}
