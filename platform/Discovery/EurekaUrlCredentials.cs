using System.Net.Http.Headers;
using System.Text;

namespace EStore.Platform.Discovery;

/// <summary>
/// Spring Cloud's way of giving a Eureka client its credentials: userinfo in the service URL
/// (<c>http://user:password@host:8761/eureka/</c>). .NET's <see cref="HttpClient"/> ignores
/// userinfo, so callers turn it into a Basic <c>Authorization</c> header themselves, and show
/// URLs only through <see cref="Redact(Uri)"/> so that no password reaches a log or health page.
/// </summary>
public static class EurekaUrlCredentials
{
    /// <summary>
    /// The Basic header for the URL's userinfo (percent-decoded user and password), or null when
    /// the URL carries none.
    /// </summary>
    public static AuthenticationHeaderValue? GetAuthorization(Uri serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        if (string.IsNullOrEmpty(serviceUrl.UserInfo))
        {
            return null;
        }
        var separator = serviceUrl.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(separator < 0 ? serviceUrl.UserInfo : serviceUrl.UserInfo[..separator]);
        var password = separator < 0 ? "" : Uri.UnescapeDataString(serviceUrl.UserInfo[(separator + 1)..]);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
    }

    /// <summary>The URL without its userinfo, safe to log or display.</summary>
    public static Uri WithoutUserInfo(Uri serviceUrl)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        if (!serviceUrl.IsAbsoluteUri || string.IsNullOrEmpty(serviceUrl.UserInfo))
        {
            return serviceUrl;
        }
        return new UriBuilder(serviceUrl) { UserName = "", Password = "" }.Uri;
    }

    /// <summary>The URL as text without its userinfo, safe to log or display.</summary>
    public static string Redact(Uri serviceUrl) => WithoutUserInfo(serviceUrl).ToString();

    /// <summary>
    /// A comma-separated <c>Eureka:Client:ServiceUrl</c> value with every entry's userinfo removed
    /// (an entry that is not an absolute URL is replaced by a marker: it might still hold a secret).
    /// </summary>
    public static string Redact(string? serviceUrls) => string.Join(",",
        (serviceUrls ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? Redact(uri) : "(not a URL)"));
}
