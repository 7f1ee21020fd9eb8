using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EStore.Platform.Discovery;

/// <summary>
/// Resolves <c>http://app-name/...</c> to a live UP instance of that app from the Eureka
/// registry cache, balancing across instances. A request that could not reach an instance
/// (connection refused, open circuit) is retried on another instance whatever its method,
/// since nothing was sent; a timeout or a broken connection is retried only for idempotent
/// requests (GET, HEAD, OPTIONS, PUT, DELETE, or any request with an <c>Idempotency-Key</c>);
/// otherwise it fails as an <see cref="HttpClient"/> timeout does (<see cref="TaskCanceledException"/>
/// wrapping a <see cref="TimeoutException"/>).
/// URIs with an IP address, a dotted host name, <c>localhost</c> or an explicit port pass through.
/// </summary>
public sealed partial class DiscoveryHttpMessageHandler(
    ServiceInstanceSelector selector,
    InstanceResiliencePipelines pipelines,
    IOptionsMonitor<LoadBalancerOptions> options,
    ILogger<DiscoveryHttpMessageHandler> logger) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !IsServiceName(original))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var app = original.Host;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var maxAttempts = Math.Max(1, options.CurrentValue.MaxAttempts);
        Exception? lastError = null;
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var instance = selector.Select(app, tried);
            if (instance is null)
            {
                break;
            }
            tried.Add(instance.InstanceId);
            request.RequestUri = new Uri(instance.BaseUri, original.PathAndQuery);
            try
            {
                var response = await pipelines.For(instance).ExecuteAsync(
                    async token => await base.SendAsync(request, token), cancellationToken);
                selector.ReportSuccess(instance);
                return response;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ShouldTryAnother(ex, request))
            {
                if (ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } or BrokenCircuitException)
                {
                    selector.ReportConnectionFailure(instance);
                }
                lastError = ex;
                LogRetrying(app, instance.InstanceId, ex.Message);
            }
            catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Callers expect what HttpClient's own timeout throws, not Polly's type.
                throw new TaskCanceledException($"The call to '{app}' timed out: {ex.Message}", new TimeoutException(ex.Message, ex));
            }
        }

        request.RequestUri = original;
        var reason = tried.Count == 0
            ? $"no UP instance of '{app}' is registered"
            : $"no instance of '{app}' answered ({tried.Count} tried): {lastError?.Message}";
        throw new HttpRequestException(reason, lastError, HttpStatusCode.ServiceUnavailable);
    }

    /// <summary>True when the URI's host is meant as an app name rather than a network address.</summary>
    public static bool IsServiceName(Uri uri) =>
        uri.IsDefaultPort
        && uri.HostNameType == UriHostNameType.Dns
        && !uri.Host.Contains('.', StringComparison.Ordinal)
        && !string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);

    private static bool ShouldTryAnother(Exception ex, HttpRequestMessage request) => ex switch
    {
        BrokenCircuitException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
        HttpRequestException or TimeoutRejectedException => IsIdempotent(request),
        _ => false,
    };

    private static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
        || request.Headers.Contains("Idempotency-Key");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call to {App} instance {InstanceId} failed ({Error}); trying another instance")]
    private partial void LogRetrying(string app, string instanceId, string error);
}
