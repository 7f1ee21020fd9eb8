using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace EStore.Discovery.Replication;

/// <summary>
/// Decides whether a configured service URL points at this very process, so that a node given
/// the full list of discovery servers does not replicate to itself.
/// </summary>
internal static class SelfUrlMatcher
{
    /// <param name="url">A <c>Eureka:Client:ServiceUrl</c> entry.</param>
    /// <param name="myUrl"><c>Discovery:MyUrl</c>, when configured.</param>
    /// <param name="boundAddresses">The addresses the server listens on (<c>http://127.0.0.1:8761</c>, <c>http://[::]:8080</c>, ...).</param>
    public static bool IsMyself(Uri url, string? myUrl, IEnumerable<string> boundAddresses)
    {
        if (!string.IsNullOrWhiteSpace(myUrl) && Uri.TryCreate(myUrl, UriKind.Absolute, out var mine) && SameEndpoint(url, mine))
        {
            return true;
        }
        foreach (var address in boundAddresses)
        {
            if (ParseBinding(address) is { } bound && bound.Port == url.Port && HostMatches(url.Host, bound.Host))
            {
                return true;
            }
        }
        return false;
    }

    private static bool SameEndpoint(Uri a, Uri b) =>
        a.Port == b.Port
        && (string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) || (IsLoopback(a.Host) && IsLoopback(b.Host)))
        && string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Kestrel's address forms, wildcards (<c>+</c>, <c>*</c>) included.</summary>
    private static Uri? ParseBinding(string address)
    {
        var normalised = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        return Uri.TryCreate(normalised, UriKind.Absolute, out var uri) ? uri : null;
    }

    private static bool HostMatches(string urlHost, string boundHost)
    {
        if (string.Equals(urlHost, boundHost, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (IsWildcard(boundHost))
        {
            return IsLocal(urlHost);
        }
        return IsLoopback(boundHost) ? IsLoopback(urlHost) : IsLocal(boundHost) && IsLocal(urlHost) && SameAddresses(urlHost, boundHost);
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "[::]" or "::";

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Loopback, this machine's name, or an address of one of its interfaces (names resolved through DNS).</summary>
    private static bool IsLocal(string host)
    {
        if (IsLoopback(host) || string.Equals(host, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var local = LocalAddresses();
        return Resolve(host).Any(a => IPAddress.IsLoopback(a) || local.Contains(a));
    }

    private static bool SameAddresses(string a, string b) => Resolve(a).Intersect(Resolve(b)).Any();

    private static IPAddress[] Resolve(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return [ip];
        }
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException)
        {
            return [];
        }
    }

    private static HashSet<IPAddress> LocalAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
