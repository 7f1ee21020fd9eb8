using System.Net;
using EStore.Discovery.Caching;
using EStore.Discovery.Health;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using EStore.Discovery.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EStore.Discovery;

/// <summary>Registers the discovery server's services.</summary>
public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// The registry with its leases, eviction and self-preservation; the response cache; peer
    /// replication and the startup copy from a peer; the <c>registry</c> health component.
    /// Configured by <c>Discovery:*</c> (credentials under <c>Discovery:Security</c>); peers come
    /// from <c>Eureka:Client:ServiceUrl</c>, whose userinfo is the credential sent to each peer.
    /// </summary>
    public static IServiceCollection AddDiscoveryServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DiscoveryServerOptions>()
            .Bind(configuration.GetSection(DiscoveryServerOptions.SectionName))
            .Validate(o => o.EvictionIntervalSeconds > 0, "Discovery:EvictionIntervalSeconds: must be positive.")
            .Validate(o => o.DeltaRetentionSeconds > 0, "Discovery:DeltaRetentionSeconds: must be positive.")
            .Validate(o => o.SelfPreservation.RenewalPercentThreshold is > 0 and <= 1, "Discovery:SelfPreservation:RenewalPercentThreshold: must be in (0, 1].")
            .Validate(o => o.SelfPreservation.ExpectedClientRenewalIntervalSeconds > 0, "Discovery:SelfPreservation:ExpectedClientRenewalIntervalSeconds: must be positive.")
            .Validate(o => o.Peers.MaxBatchSize > 0, "Discovery:Peers:MaxBatchSize: must be positive.")
            .Validate(o => string.IsNullOrWhiteSpace(o.MyUrl) || Uri.TryCreate(o.MyUrl, UriKind.Absolute, out _), "Discovery:MyUrl: must be an absolute URL.")
            // Every failure reads "Key: problem": the platform's startup reporter turns the first into
            // one line naming the key (crit: startup failed: Key: problem) and exit code 1.
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscoveryServerOptions>, DiscoveryOptionsValidator>();
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
        return services;
    }
}
