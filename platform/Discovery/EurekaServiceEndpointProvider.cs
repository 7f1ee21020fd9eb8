using System.Diagnostics.CodeAnalysis;
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
            // Never negative: the suspicion may have ended since NextExpiry was read.
            var remaining = expiry - time.GetUtcNow();
            var delay = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            endpoints.AddChangeToken(new CancellationChangeToken(new CancellationTokenSource(delay, time).Token));
        }

        var instances = registry.GetInstances(app);
        if (instances.Count == 0)
        {
            // Not an empty list: the pass-through provider would then look the app name up in DNS. Not an exception
            // either: the package logs each failed resolution as an error with a stack trace, on every call.
            // InstanceCallHandler answers this never-resolvable (.invalid) address with a 503 naming the app.
            endpoints.Endpoints.Add(ServiceEndpoint.Create(new UriEndPoint(NoInstance(app))));
            return ValueTask.CompletedTask;
        }
        var healthy = instances.Where(i => !health.IsSuspect(i)).ToList();
        foreach (var instance in healthy.Count > 0 ? healthy : instances)
        {
            endpoints.Endpoints.Add(ServiceEndpoint.Create(new UriEndPoint(instance.BaseUri)));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The address handed out for an app with no UP instance.</summary>
    internal static Uri NoInstance(string app) => new($"http://{app}{NoInstanceSuffix}/");

    /// <summary>The host suffix of <see cref="NoInstance"/> addresses.</summary>
    internal const string NoInstanceSuffix = ".no-up-instance.invalid";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => "Eureka";
}
