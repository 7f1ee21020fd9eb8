using System.Net;
using EStore.Discovery.Caching;
using EStore.Discovery.Health;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using EStore.Discovery.Security;
using EStore.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EStore.Discovery;

/// <summary>Registers the discovery server's services.</summary>
public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// The registry with its leases, eviction and self-preservation; the response cache; peer
    /// replication and the startup copy from a peer; the <c>registry</c> health component.
    /// Configured by <c>Discovery:*</c> (credentials under <c>Discovery:Security</c>, validated at start); peers come
    /// from <c>Eureka:Client:ServiceUrl</c>, whose userinfo is the credential sent to each peer.
    /// </summary>
    public static IHostApplicationBuilder AddDiscoveryServer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // A blank app secret binds as an empty entry (the mechanism keeps blank entries), which its rule refuses by name.
        builder.AddValidatedOptions<DiscoveryServerOptions>(DiscoveryServerOptions.Section);
        var services = builder.Services;
        services.AddSingleton<DiscoveryAuthenticator>();
        // Tests replace this with a controllable clock.
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<SelfPreservationMonitor>();
        services.AddSingleton<InstanceRegistry>();
        services.AddSingleton<LeaseEvictionService>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseEvictionService>());
        services.AddHostedService<RenewalThresholdUpdateService>();
        services.AddSingleton<ResponseCache>();

        services.AddHttpClient(PeerDirectory.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var peers = sp.GetRequiredService<IOptions<DiscoveryServerOptions>>().Value.Peers;
                return new SocketsHttpHandler
                {
                    ConnectTimeout = TimeSpan.FromMilliseconds(Math.Max(1, peers.ConnectTimeoutMilliseconds)),
                    AutomaticDecompression = DecompressionMethods.GZip,
                    UseProxy = false,
                };
            })
            .ConfigureHttpClient((sp, http) =>
                http.Timeout = TimeSpan.FromMilliseconds(Math.Max(1, sp.GetRequiredService<IOptions<DiscoveryServerOptions>>().Value.Peers.ReadTimeoutMilliseconds)));
        services.AddSingleton<ReplicationFeedback>();
        services.AddSingleton<PeerDirectory>();
        services.AddSingleton<ReplicatingRegistry>();
        services.AddSingleton<RegistrySyncService>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistrySyncService>());

        services.AddHealthChecks().AddCheck<RegistryHealthCheck>("registry");
        return builder;
    }
}
