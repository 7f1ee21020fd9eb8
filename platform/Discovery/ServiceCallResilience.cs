using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace EStore.Platform.Discovery;

/// <summary>
/// Gives every HTTP client that uses service discovery (<c>AddHttpClient(...).AddServiceDiscovery()</c>) our rules
/// for calls to <c>http://app-name/</c>, around and behind Microsoft's resolving handler:
/// <code>
/// ServiceCallHandler          marks app-name calls; a timeout surfaces as HttpClient's own (TaskCanceledException)
/// ResilienceHandler (retry)   Microsoft.Extensions.Http.Resilience; each attempt resolves again (the next instance, round robin)
/// resolving handler           Microsoft.Extensions.ServiceDiscovery: app name -> an UP instance (EurekaServiceEndpointProvider)
/// InstanceCallHandler         the instance's circuit breaker and attempt timeout; passive health
/// ...the client's own handlers
/// </code>
/// The standard resilience handler cannot be used as one block: its circuit breaker must sit behind the resolver
/// (one circuit per instance, selected by the resolved authority) while its retry must sit in front of it (a retry
/// has to resolve again to reach another instance). A filter places them because the resolver is added by the
/// client's own <c>AddServiceDiscovery()</c> call, after anything the service defaults could add.
/// </summary>
internal sealed class ServiceCallHandlerFilter(ResiliencePipelineProvider<string> pipelines, InstancePipelines instances, PassiveInstanceHealth health)
    : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        var handlers = builder.AdditionalHandlers;
        var resolver = handlers.ToList().FindIndex(h => h.GetType().Assembly == typeof(ServiceEndpointResolver).Assembly);
        if (resolver < 0)
        {
            return;
        }
        handlers.Insert(resolver + 1, new InstanceCallHandler(instances, health));
        handlers.Insert(resolver, new ResilienceHandler(pipelines.GetPipeline<HttpResponseMessage>(ServiceCallRetry.PipelineKey)));
        handlers.Insert(resolver, new ServiceCallHandler());
    };
}

/// <summary>The retry of calls to an app name: the rules of which failures may be repeated on another instance.</summary>
internal static class ServiceCallRetry
{
    public const string PipelineKey = "estore-service-calls";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, LoadBalancerOptions settings)
    {
        if (settings.MaxAttempts < 2)
        {
            return; // Polly's retry needs at least one retry.
        }
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = settings.MaxAttempts - 1,
            // Another instance is tried at once, as a load balancer would; waiting does not help a dead instance.
            Delay = TimeSpan.Zero,
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(
                args.Context.GetRequestMessage() is { } request && ServiceCallHandler.IsServiceCall(request) && ShouldTryAnother(args.Outcome.Exception, request)),
        });
    }

    // Answers are never retried (a 5xx was sent and handled); failures are, when nothing reached an instance or the
    // request may safely be repeated.
    private static bool ShouldTryAnother(Exception? error, HttpRequestMessage request) => error switch
    {
        BrokenCircuitException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
        // Ours (InstanceCallHandler): the app has no UP instance, another attempt finds none either.
        HttpRequestException { StatusCode: HttpStatusCode.ServiceUnavailable, HttpRequestError: HttpRequestError.Unknown } => false,
        HttpRequestException or TimeoutRejectedException => IsIdempotent(request),
        _ => false,
    };

    private static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
        || request.Headers.Contains("Idempotency-Key");
}

/// <summary>Outermost: marks calls to an app name and turns an attempt timeout into what HttpClient's own timeout throws.</summary>
internal sealed class ServiceCallHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> ServiceCall = new("EStore.ServiceCall");

    /// <summary>True when the URI's host is meant as an app name rather than a network address.</summary>
    public static bool IsServiceName(Uri uri) =>
        uri.IsAbsoluteUri
        && uri.IsDefaultPort
        && uri.HostNameType == UriHostNameType.Dns
        && !uri.Host.Contains('.', StringComparison.Ordinal)
        && !string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);

    public static bool IsServiceCall(HttpRequestMessage request) => request.Options.TryGetValue(ServiceCall, out var marked) && marked;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || !IsServiceName(uri))
        {
            return await base.SendAsync(request, cancellationToken);
        }
        request.Options.Set(ServiceCall, true);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Callers expect what HttpClient's own timeout throws, not Polly's type.
            throw new TaskCanceledException($"The call to '{uri.Host}' timed out: {ex.Message}", new TimeoutException(ex.Message, ex));
        }
        catch (ExecutionRejectedException ex)
        {
            // Every attempt met an open circuit: callers handle an unreachable dependency as HttpRequestException.
            throw new HttpRequestException($"no instance of '{uri.Host}' answered: {ex.Message}", ex, HttpStatusCode.ServiceUnavailable);
        }
    }
}

/// <summary>
/// Behind the resolver, where the request names the instance: runs the instance's circuit breaker and attempt
/// timeout, and tells passive health about refused connections and open circuits.
/// </summary>
internal sealed class InstanceCallHandler(InstancePipelines pipelines, PassiveInstanceHealth health) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!ServiceCallHandler.IsServiceCall(request) || request.RequestUri is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var authority = request.RequestUri.Authority;
        if (request.RequestUri.Host.EndsWith(EurekaServiceEndpointProvider.NoInstanceSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var app = request.RequestUri.Host[..^EurekaServiceEndpointProvider.NoInstanceSuffix.Length];
            throw new HttpRequestException($"no UP instance of '{app}' is registered", null, HttpStatusCode.ServiceUnavailable);
        }
        try
        {
            var response = await pipelines.For(authority).ExecuteAsync(async token => await base.SendAsync(request, token), cancellationToken);
            health.ReportSuccess(authority);
            return response;
        }
        catch (Exception ex) when (ex is BrokenCircuitException or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
        {
            health.ReportConnectionFailure(authority);
            throw;
        }
    }
}

/// <summary>One pipeline per instance (by authority): a circuit breaker around an attempt timeout.</summary>
internal sealed class InstancePipelines(IOptionsMonitor<LoadBalancerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public ResiliencePipeline<HttpResponseMessage> For(string authority) => _pipelines.GetOrAdd(authority, _ => Create(options.CurrentValue));

    private ResiliencePipeline<HttpResponseMessage> Create(LoadBalancerOptions settings) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = settings.CircuitFailureRatio,
                MinimumThroughput = settings.CircuitMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(settings.CircuitSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(settings.CircuitBreakSeconds),
                // Failures and 5xx answers count; unlike the package's default, 408 and 429 do not (a busy instance is not a broken one).
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TimeoutRejectedException
                    || (int?)args.Outcome.Result?.StatusCode >= 500),
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds) })
            .Build();
}
