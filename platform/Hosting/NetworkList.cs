using System.Net;
using System.Net.Sockets;

namespace EStore.Platform.Hosting;

/// <summary>
/// Comma-separated IP addresses and CIDR networks, as settings name trusted proxies (<c>10.0.0.0/8, 127.0.0.1</c>);
/// empty or <c>none</c> is no network.
/// </summary>
public static class NetworkList
{
    /// <summary>The entries of <paramref name="text"/>, unparsed (none for empty or <c>none</c>).</summary>
    public static IReadOnlyList<string> Entries(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>An address (as a network of that one address) or a CIDR network; null when it is neither.</summary>
    public static IPNetwork? ParseOne(string entry) =>
        IPNetwork.TryParse(entry, out var network) ? network
        : IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
        : null;

    /// <summary>Every network of <paramref name="text"/>; entries that do not parse are left out (validate with <see cref="Check"/>).</summary>
    public static IReadOnlyList<IPNetwork> Parse(string? text) => [.. Entries(text).Select(ParseOne).OfType<IPNetwork>()];

    /// <summary>Reports each entry of <paramref name="text"/> that is not an address or CIDR network, naming <paramref name="key"/>.</summary>
    public static void Check(OptionsCheck check, string? text, string key)
    {
        ArgumentNullException.ThrowIfNull(check);
        foreach (var entry in Entries(text))
        {
            check.Require(ParseOne(entry) is not null, key, $"'{entry}' is not an IP address or CIDR network (comma-separated, or 'none').");
        }
    }
}
