using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace EStore.Platform.Observability;

/// <summary>A Zipkin endpoint: a service name and an optional address and port.</summary>
internal sealed record ZipkinEndpoint(string? ServiceName, IPAddress? Address, int? Port)
{
    public bool IsEmpty => ServiceName is null && Address is null && Port is null;

    public void Write(Utf8JsonWriter writer, string property)
    {
        if (IsEmpty)
        {
            return;
        }
        writer.WriteStartObject(property);
        if (ServiceName is { Length: > 0 })
        {
            writer.WriteString("serviceName", ServiceName);
        }
        if (Address is { } address)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            writer.WriteString(address.AddressFamily == AddressFamily.InterNetwork ? "ipv4" : "ipv6", address.ToString());
        }
        if (Port is { } port)
        {
            writer.WriteNumber("port", port);
        }
        writer.WriteEndObject();
    }

    /// <summary>Parses a host: an IP becomes the address, a name the service name.</summary>
    public static (string? Name, IPAddress? Address) ParseHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return (null, null);
        }
        var trimmed = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(trimmed, out var ip) ? (null, ip) : (host, null);
    }

    public static int? ParsePort(object? value) => value switch
    {
        int i when i is > 0 and <= 65535 => i,
        long l when l is > 0 and <= 65535 => (int)l,
        string s when int.TryParse(s, out var p) && p is > 0 and <= 65535 => p,
        _ => null,
    };
}
