using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>
/// The Eureka REST calls a client makes, failing over across the configured server URLs
/// (the last server that answered is tried first). A server URL's userinfo
/// (<c>http://app:secret@host:8761/eureka/</c>, Spring Cloud's form) is sent as a Basic
/// <c>Authorization</c> header to that server only, and never appears in errors.
/// </summary>
public sealed class EurekaHttpClient(HttpClient http, IOptions<EurekaClientOptions> options)
{
    private int _preferred;

    /// <summary>Registers (or re-registers) an instance. True on 204.</summary>
    public async Task<bool> RegisterAsync(EurekaInstance instance, CancellationToken cancellationToken)
    {
        var body = EurekaJson.SerializeInstanceDocument(instance);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"apps/{instance.AppName}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }, cancellationToken);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    /// <summary>Renews a lease. Returns the server's status code (404 means: register again).</summary>
    public async Task<HttpStatusCode> RenewAsync(EurekaInstance instance, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put,
            $"apps/{instance.AppName}/{Uri.EscapeDataString(instance.InstanceId)}?status={EurekaJson.ToWire(instance.Status)}&lastDirtyTimestamp={instance.LastDirtyTimestamp}"), cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Removes an instance from the registry.</summary>
    public async Task<HttpStatusCode> CancelAsync(EurekaInstance instance, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete,
            $"apps/{instance.AppName}/{Uri.EscapeDataString(instance.InstanceId)}"), cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Fetches the full registry.</summary>
    /// <exception cref="HttpRequestException">No server answered, or the answer was not a registry.</exception>
    public Task<EurekaApplications> GetApplicationsAsync(CancellationToken cancellationToken) =>
        GetRegistryDocumentAsync("apps/", cancellationToken);

    /// <summary>Fetches the recent changes (<c>apps/delta</c>); its hash code is that of the whole registry.</summary>
    /// <exception cref="HttpRequestException">No server answered, or the answer was not a registry.</exception>
    public Task<EurekaApplications> GetDeltaAsync(CancellationToken cancellationToken) =>
        GetRegistryDocumentAsync("apps/delta", cancellationToken);

    private async Task<EurekaApplications> GetRegistryDocumentAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return EurekaJson.ParseApplications(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new HttpRequestException($"registry fetch returned an unreadable document: {ex.Message}", ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        var servers = options.Value.ServiceUrls;
        if (servers.Count == 0)
        {
            throw new HttpRequestException("Eureka:Client:ServiceUrl names no discovery server.");
        }
        var start = Volatile.Read(ref _preferred);
        Exception? last = null;
        for (var attempt = 0; attempt < servers.Count; attempt++)
        {
            var index = (start + attempt) % servers.Count;
            using var request = create();
            var server = EurekaUrlCredentials.WithoutUserInfo(servers[index]);
            request.RequestUri = new Uri(server, request.RequestUri!.OriginalString);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Authorization = EurekaUrlCredentials.GetAuthorization(servers[index]);
            try
            {
                var response = await http.SendAsync(request, cancellationToken);
                if ((int)response.StatusCode < 500)
                {
                    Volatile.Write(ref _preferred, index);
                    return response;
                }
                last = new HttpRequestException($"{server} answered {(int)response.StatusCode}");
                response.Dispose();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }
        }
        throw new HttpRequestException($"no discovery server answered ({string.Join(", ", servers.Select(EurekaUrlCredentials.Redact))}): {last?.Message}", last);
    }
}
