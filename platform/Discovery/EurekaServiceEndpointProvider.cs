using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace EStore.Platform.Discovery;

/// <summary>
/// Lets <c>Microsoft.Extensions.ServiceDiscovery</c> resolve <c>http://app-name/</c> from the Eureka registry cache:
/// the app's UP instances, less those passive health avoids (unless that would leave none: one may have recovered).
/// A URI with an IP address, a dotted host name, <c>localhost</c> or an explicit port is not an app name and is
/// left to the other providers (configuration, then pass-through).
/// </summary>
internal sealed class EurekaServiceEndpointProviderFactory(EurekaRegistryCache registry, PassiveInstanceHealth health, TimeProvider time)
    : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        var text = query.ToString() ?? "";
        provider = Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : $"http://{text}", UriKind.Absolute, out var uri)
            && ServiceCallHandler.IsServiceName(uri)
            ? new EurekaServiceEndpointProvider(query.ServiceName, registry, health, time)
            : null;
        return provider is not null;
    }
}

internal sealed class EurekaServiceEndpointProvider(string app, EurekaRegistryCache registry, PassiveInstanceHealth health, TimeProvider time)
    : IServiceEndpointProvider
{
    public ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        // Tokens first: a change between reading them and reading the registry then refreshes again.
        endpoints.AddChangeToken(registry.GetChangeToken());
        endpoints.AddChangeToken(health.GetChangeToken());
        if (health.NextExpiry is { } expiry)
        {
            // Refresh when the earliest suspicion ends, so that instance is offered again.
            endpoints.AddChangeToken(new CancellationChangeToken(new CancellationTokenSource(expiry - time.GetUtcNow(), time).Token));
        }

        var instances = registry.GetInstances(app);
        if (instances.Count == 0)
        {
            // Thrown rather than left empty: an empty list would fall through to the pass-through provider,
            // which would look "app-name" up in DNS.
            throw new HttpRequestException($"no UP instance of '{app}' is registered", null, HttpStatusCode.ServiceUnavailable);
        }
        var healthy = instances.Where(i => !health.IsSuspect(i)).ToList();
        foreach (var instance in healthy.Count > 0 ? healthy : instances)
        {
            endpoints.Endpoints.Add(ServiceEndpoint.Create(new UriEndPoint(instance.BaseUri)));
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => "Eureka";
}
