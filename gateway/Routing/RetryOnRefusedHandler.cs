using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace EStore.Gateway.Routing;

/// <summary>
/// YARP (2.3) has no retry: this factory wraps its forwarding handler so that a bodiless idempotent request
/// whose connection was refused (an instance killed but still registered) is sent once more to another
/// available destination of the same cluster. Nothing reached the dead instance, so repeating is safe.
/// Passive and active health take the dead destination out shortly afterwards.
/// </summary>
public sealed class RetryingForwarderHttpClientFactory(IHttpContextAccessor accessor) : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new RetryOnRefusedHandler(accessor) { InnerHandler = base.WrapHandler(context, handler) };
}

internal sealed class RetryOnRefusedHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (IsRefused(ex) && IsSafeToRepeat(request) && OtherDestination(request) is { } retryUri)
        {
            request.RequestUri = retryUri;
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static bool IsRefused(HttpRequestException ex) =>
        ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Content is null
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options);

    private Uri? OtherDestination(HttpRequestMessage request)
    {
        if (request.RequestUri is not { } failed || accessor.HttpContext?.Features.Get<IReverseProxyFeature>() is not { } proxy)
        {
            return null;
        }
        // AvailableDestinations holds only the destination load balancing picked; look at all of them.
        var alternatives = proxy.AllDestinations
            .Where(d => d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy)
            .Select(d => new Uri(d.Model.Config.Address))
            .Where(a => !(a.Host == failed.Host && a.Port == failed.Port))
            .ToList();
        return alternatives.Count == 0
            ? null
            : new Uri(alternatives[Random.Shared.Next(alternatives.Count)], failed.PathAndQuery);
    }
}
