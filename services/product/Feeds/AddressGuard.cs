using System.Net;
using System.Net.Sockets;

namespace EStore.Product.Feeds;

/// <summary>
/// Which addresses a supplier feed may be fetched from. Refused unless allowed by configuration: loopback, private
/// (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address 169.254.169.254,
/// fe80::/10), unspecified (0.0.0.0, ::) and "this network" (0/8), shared (100.64/10), multicast and broadcast; an
/// IPv4 address mapped into IPv6 is judged as the IPv4 address.
/// </summary>
public static class AddressGuard
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b::/96"),
    ];

    /// <summary>Why <paramref name="address"/> may not be fetched from, or null when it may.</summary>
    /// <param name="address">A resolved address.</param>
    /// <param name="allowed">Networks configuration allows anyway (<c>Feeds:AllowedNetworks</c>).</param>
    public static string? Refusal(IPAddress address, IReadOnlyList<IPNetwork> allowed)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(allowed);
        var judged = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (allowed.Any(n => n.BaseAddress.AddressFamily == judged.AddressFamily && n.Contains(judged)))
        {
            return null;
        }
        if (judged.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return $"{judged} is not an IP address";
        }
        foreach (var network in Refused)
        {
            if (network.BaseAddress.AddressFamily == judged.AddressFamily && network.Contains(judged))
            {
                return $"{judged} is a private, loopback, link-local or otherwise internal address ({network})";
            }
        }
        return null;
    }
}
