using EStore.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Discovery;

/// <summary>Registers the Eureka client and discovery-aware HTTP clients.</summary>
public static class DiscoveryExtensions
{
    /// <summary>
    /// Adds registration with Eureka, the registry cache (<see cref="EurekaRegistryCache"/>),
    /// the <c>discovery</c> health component and the instance selection used by
    /// <see cref="AddServiceDiscovery"/>. Configured by <c>Eureka:Client:*</c>,
    /// <c>Eureka:Instance:*</c> and <c>LoadBalancer:*</c>.
    /// </summary>
    public static IHostApplicationBuilder AddEurekaDiscovery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<EurekaClientOptions>(builder.Configuration.GetSection(EurekaClientOptions.Section));
        services.Configure<EurekaInstanceOptions>(builder.Configuration.GetSection(EurekaInstanceOptions.Section));
        services.Configure<LoadBalancerOptions>(builder.Configuration.GetSection(LoadBalancerOptions.Section));
        services.AddHttpClient<EurekaHttpClient>(http => http.Timeout = TimeSpan.FromSeconds(5));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ServiceIdentity.FromConfiguration(builder.Configuration));
        services.AddSingleton<EurekaRegistryCache>();
        services.AddSingleton<EurekaRegistrar>();
        services.AddHostedService(sp => sp.GetRequiredService<EurekaRegistrar>());
        services.AddHostedService<EurekaRegistryFetcher>();
        services.AddSingleton<ServiceInstanceSelector>();
        services.AddSingleton<InstanceResiliencePipelines>();
        services.AddTransient<DiscoveryHttpMessageHandler>();
        services.AddHealthChecks().AddCheck<DiscoveryHealthCheck>("discovery");
        return builder;
    }

    /// <summary>
    /// Makes this client resolve <c>http://app-name/...</c> through discovery, for example
    /// <c>services.AddHttpClient&lt;CatalogClient&gt;(c =&gt; c.BaseAddress = new("http://product-service/")).AddServiceDiscovery()</c>.
    /// </summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler<DiscoveryHttpMessageHandler>();
}
