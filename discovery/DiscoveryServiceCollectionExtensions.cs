using EStore.Discovery.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EStore.Discovery;

public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>The registry, its options and the eviction schedule.</summary>
    public static IServiceCollection AddDiscoveryServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DiscoveryServerOptions>()
            .Bind(configuration.GetSection(DiscoveryServerOptions.SectionName))
            .Validate(o => o.EvictionIntervalSeconds > 0, "Discovery:EvictionIntervalSeconds must be positive.")
            .Validate(o => o.DeltaRetentionSeconds > 0, "Discovery:DeltaRetentionSeconds must be positive.")
            .ValidateOnStart();
        // Tests replace this with a controllable clock.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InstanceRegistry>();
        services.AddSingleton<LeaseEvictionService>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseEvictionService>());
        return services;
    }
}
