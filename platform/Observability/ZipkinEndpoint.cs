using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace EStore.Platform.Observability;

/// <summary>
/// A Zipkin endpoint: a service name and an optional address and port. The JSON text of the name
/// and address is made once, since the local endpoint is written into every span.
/// </summary>
internal sealed class ZipkinEndpoint
{
    private static readonly JsonEncodedText ServiceNameProperty = JsonEncodedText.Encode("serviceName");
    private static readonly JsonEncodedText Ipv4Property = JsonEncodedText.Encode("ipv4");
    private static readonly JsonEncodedText Ipv6Property = JsonEncodedText.Encode("ipv6");
    private static readonly JsonEncodedText PortProperty = JsonEncodedText.Encode("port");

    // The threads that end spans parse the same few peer addresses over and over.
    [ThreadStatic]
    private static Dictionary<string, PeerHost>? t_hosts;

    private readonly JsonEncodedText? _serviceName;
    private readonly PeerHost _address;

    public ZipkinEndpoint(string? serviceName, IPAddress? address, int? port)
    {
        ServiceName = serviceName;
        Port = port;
        _serviceName = serviceName is { Length: > 0 } ? JsonEncodedText.Encode(serviceName, ZipkinSpanWriter.WriterOptions.Encoder) : null;
        _address = address is null ? default : PeerHost.Of(address);
    }

    public string? ServiceName { get; }

    public int? Port { get; }

    public void Write(Utf8JsonWriter writer, JsonEncodedText property)
    {
        if (_serviceName is null && _address.Text is null && Port is null)
        {
            return;
        }
        writer.WriteStartObject(property);
        if (_serviceName is { } name)
        {
            writer.WriteString(ServiceNameProperty, name);
        }
        WriteAddressAndPort(writer, _address, Port);
        writer.WriteEndObject();
    }

    /// <summary>Writes a remote endpoint found in a span's tags (nothing when all three are missing).</summary>
    public static void Write(Utf8JsonWriter writer, JsonEncodedText property, string? serviceName, PeerHost address, int? port)
    {
        if (string.IsNullOrEmpty(serviceName) && address.Text is null && port is null)
        {
            return;
        }
        writer.WriteStartObject(property);
        if (!string.IsNullOrEmpty(serviceName))
        {
            writer.WriteString(ServiceNameProperty, serviceName);
        }
        WriteAddressAndPort(writer, address, port);
        writer.WriteEndObject();
    }

    /// <summary>Parses a host: an IP becomes the address, a name the service name.</summary>
    public static PeerHost ParseHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return default;
        }
        var hosts = t_hosts ??= new Dictionary<string, PeerHost>(StringComparer.Ordinal);
        if (hosts.TryGetValue(host, out var known))
        {
            return known;
        }
        var trimmed = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var parsed = IPAddress.TryParse(trimmed, out var ip) ? PeerHost.Of(ip) : new PeerHost(host, null, false);
        if (hosts.Count >= 1024)
        {
            hosts.Clear();
        }
        hosts[host] = parsed;
        return parsed;
    }

    public static int? ParsePort(object? value) => value switch
    {
        int i when i is > 0 and <= 65535 => i,
        long l when l is > 0 and <= 65535 => (int)l,
        string s when int.TryParse(s, out var p) && p is > 0 and <= 65535 => p,
        _ => null,
    };

    private static void WriteAddressAndPort(Utf8JsonWriter writer, PeerHost address, int? port)
    {
        if (address.Text is { } text)
        {
            writer.WriteString(address.IsIpv6 ? Ipv6Property : Ipv4Property, text);
        }
        if (port is { } value)
        {
            writer.WriteNumber(PortProperty, value);
        }
    }
}

/// <summary>A host as Zipkin wants it: a name, or an address in its family's text form.</summary>
internal readonly record struct PeerHost(string? Name, string? Text, bool IsIpv6)
{
    public static PeerHost Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return new PeerHost(null, address.ToString(), address.AddressFamily != AddressFamily.InterNetwork);
    }
}
