using EStore.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.ServiceDiscovery;
using Polly;

namespace EStore.Platform.Discovery;

/// <summary>Registers the Eureka client and service discovery over it.</summary>
public static class DiscoveryExtensions
{
    /// <summary>
    /// Adds registration with Eureka, the registry cache (<see cref="EurekaRegistryCache"/>), the <c>discovery</c>
    /// health component, and <c>Microsoft.Extensions.ServiceDiscovery</c> with a Eureka endpoint provider, so a client
    /// registered with the standard <c>AddHttpClient(...).AddServiceDiscovery()</c> reaches <c>http://app-name/</c>
    /// at an UP instance, with our retry, per-instance circuit and passive-health rules (<see cref="LoadBalancerOptions"/>).
    /// Configured by <c>Eureka:Client:*</c>, <c>Eureka:Instance:*</c> and <c>LoadBalancer:*</c> (validated at start).
    /// </summary>
    public static IHostApplicationBuilder AddEurekaDiscovery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddValidatedOptions<EurekaClientOptions>(EurekaClientOptions.Section);
        builder.AddValidatedOptions<EurekaInstanceOptions>(EurekaInstanceOptions.Section);
        builder.AddValidatedOptions<LoadBalancerOptions>(LoadBalancerOptions.Section);
        services.AddHttpClient<EurekaHttpClient>(http => http.Timeout = TimeSpan.FromSeconds(5));
        services.TryAddSingleton(TimeProvider.System);
        ServiceIdentity.Of(builder);
        services.AddSingleton<EurekaRegistryCache>();
        services.AddSingleton<EurekaRegistrar>();
        services.AddHostedService(sp => sp.GetRequiredService<EurekaRegistrar>());
        services.AddHostedService<EurekaRegistryFetcher>();
        services.AddHealthChecks().AddCheck<DiscoveryHealthCheck>("discovery");

        // Eureka first; configuration (Services:app:http:0) and pass-through after it, as the package orders them.
        services.AddSingleton<PassiveInstanceHealth>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, EurekaServiceEndpointProviderFactory>());
        services.AddServiceDiscovery();
        services.AddResiliencePipeline<string, HttpResponseMessage>(ServiceCallRetry.PipelineKey, (pipeline, context) =>
        {
            context.EnableReloads<LoadBalancerOptions>();
            ServiceCallRetry.Configure(pipeline, context.GetOptions<LoadBalancerOptions>());
        });
        services.AddSingleton<InstancePipelines>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, ServiceCallHandlerFilter>());
        return builder;
    }
}
