using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EStore.Product.Feeds;

/// <summary>How a feed authenticates: nothing, HTTP basic, or a header with a token.</summary>
public sealed record FeedCredentials(string? BasicUser, string? BasicPassword, string? HeaderName, string? HeaderValue);

/// <summary>A fetched feed body, or why the fetch failed.</summary>
public sealed record FeedFetch(byte[]? Content, string? ContentType, string? Error);

/// <summary>
/// Fetches supplier feeds guarded against SSRF: only http and https; every connection goes through a
/// <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host itself and connects only to an address
/// <see cref="AddressGuard"/> accepts (so a name that resolves, or later re-resolves, to an internal address cannot
/// slip through); no proxy; redirects followed by hand, each target checked again; a size and a time limit.
/// </summary>
public sealed class FeedFetcher : IDisposable
{
    private readonly FeedOptions _options;
    private readonly IReadOnlyList<IPNetwork> _allowed;
    private readonly HttpClient _client;

    public FeedFetcher(IOptions<FeedOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _allowed = EStore.Platform.Hosting.NetworkList.Parse(_options.AllowedNetworks);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(10, _options.TimeoutSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Why <paramref name="url"/> cannot be a feed address at all (scheme, form, an internal literal address).</summary>
    public string? CheckUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "An absolute http or https URL is required.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Put credentials in the feed's auth settings, not in the URL.";
        }
        return IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) && AddressGuard.Refusal(literal, _allowed) is { } refusal
            ? $"Refused: {refusal}."
            : null;
    }

    public async Task<FeedFetch> FetchAsync(string url, FeedCredentials credentials, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        var target = new Uri(url);
        try
        {
            for (var hop = 0; ; hop++)
            {
                if (CheckUrl(target.AbsoluteUri) is { } problem)
                {
                    return new FeedFetch(null, null, hop == 0 ? problem : $"Redirect to {target} refused: {problem}");
                }
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                request.Headers.Accept.ParseAdd("text/csv, application/json;q=0.9, */*;q=0.1");
                // Credentials go to the registered host only, never to where it redirects.
                if (hop == 0 || target.Host.Equals(new Uri(url).Host, StringComparison.OrdinalIgnoreCase))
                {
                    if (credentials.BasicUser is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credentials.BasicUser}:{credentials.BasicPassword}")));
                    }
                    if (credentials.HeaderName is not null)
                    {
                        request.Headers.TryAddWithoutValidation(credentials.HeaderName, credentials.HeaderValue);
                    }
                }
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= _options.MaxRedirects)
                    {
                        return new FeedFetch(null, null, $"More than {_options.MaxRedirects} redirects.");
                    }
                    target = new Uri(target, location);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    return new FeedFetch(null, null, $"The feed answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }
                if (response.Content.Headers.ContentLength > _options.MaxBytes)
                {
                    return new FeedFetch(null, null, $"The feed is larger than {_options.MaxBytes} bytes (Feeds:MaxBytes).");
                }
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
                {
                    if (buffer.Length + read > _options.MaxBytes)
                    {
                        return new FeedFetch(null, null, $"The feed is larger than {_options.MaxBytes} bytes (Feeds:MaxBytes).");
                    }
                    buffer.Write(chunk, 0, read);
                }
                return new FeedFetch(buffer.ToArray(), response.Content.Headers.ContentType?.MediaType, null);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FeedFetch(null, null, $"The fetch took longer than {_options.TimeoutSeconds} s (Feeds:TimeoutSeconds).");
        }
        catch (HttpRequestException ex)
        {
            return new FeedFetch(null, null, $"The fetch failed: {(ex.InnerException is RefusedAddressException refused ? refused.Message : ex.Message)}");
        }
    }

    // Resolves the host here and connects only to an accepted address: the check and the connection use the same
    // address, so DNS rebinding between a check and the connect cannot happen.
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        string? refusal = null;
        foreach (var address in addresses)
        {
            if (AddressGuard.Refusal(address, _allowed) is { } why)
            {
                refusal ??= why;
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }
        throw new RefusedAddressException(refusal is null ? $"could not connect to {host}." : $"refused: {refusal}.");
    }

    public void Dispose() => _client.Dispose();

    private sealed class RefusedAddressException(string message) : IOException(message);
}
