using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

namespace EStore.Platform.Security;

/// <summary>Passes the caller's access token on to the services a request calls.</summary>
public static class CallerTokenForwarding
{
    /// <summary>
    /// Copies the <c>Authorization: Bearer</c> header of the request being handled to every request this
    /// client sends, so the called service checks roles and ownership for the same user, for example
    /// <c>services.AddHttpClient&lt;InventoryClient&gt;(...).AddServiceDiscovery().ForwardCallerToken()</c>.
    /// A request that already carries an <c>Authorization</c> header keeps it; outside a request, or when
    /// the caller sent no bearer token, nothing is added (the called service then answers 401).
    /// </summary>
    public static IHttpClientBuilder ForwardCallerToken(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddTransient<CallerTokenHandler>();
        return builder.AddHttpMessageHandler<CallerTokenHandler>();
    }
}

/// <summary>Adds the current request's bearer token to outgoing requests that have none.</summary>
internal sealed class CallerTokenHandler(IHttpContextAccessor http) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Only a bearer token is forwarded: other schemes (or several headers) are not ours to pass along.
        if (request.Headers.Authorization is null
            && http.HttpContext?.Request.Headers[HeaderNames.Authorization] is [{ } header]
            && AuthenticationHeaderValue.TryParse(header, out var value)
            && string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            && !string.IsNullOrWhiteSpace(value.Parameter))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value.Parameter);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
