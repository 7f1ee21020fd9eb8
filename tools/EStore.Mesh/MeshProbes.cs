using System.Globalization;
using System.Text.Json;

namespace EStore.Mesh;

/// <summary>Readers for the JSON answers MeshHost polls: actuator health, Eureka apps, gateway routes.</summary>
internal static class MeshProbes
{
    /// <summary>True when an actuator health body says <c>"status":"UP"</c>.</summary>
    public static bool IsUp(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object
            && TryGetProperty(doc.RootElement, "status", out var status)
            && status.ValueKind == JsonValueKind.String
            && string.Equals(status.GetString(), "UP", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The (port, status) of every instance in a Eureka <c>/eureka/apps/{APP}</c> JSON answer.</summary>
    public static IReadOnlyList<(int Port, string Status)> EurekaInstances(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<(int, string)>();
        if (!TryGetProperty(doc.RootElement, "application", out var application)
            || !TryGetProperty(application, "instance", out var instances))
        {
            return result;
        }

        // Eureka's JSON (from XStream) gives a lone instance as an object, several as an array.
        var list = instances.ValueKind == JsonValueKind.Array ? instances.EnumerateArray().ToList()
            : instances.ValueKind == JsonValueKind.Object ? [instances]
            : [];
        foreach (var instance in list)
        {
            var port = TryGetProperty(instance, "port", out var portElement) ? ReadPort(portElement) : null;
            var status = TryGetProperty(instance, "status", out var statusElement) && statusElement.ValueKind == JsonValueKind.String
                ? statusElement.GetString() ?? ""
                : "";
            if (port is { } p)
            {
                result.Add((p, status));
            }
        }

        return result;
    }

    /// <summary>
    /// The destination ports of one cluster in the gateway's <c>/actuator/gateway/routes</c> answer; null when
    /// the cluster is absent.
    /// </summary>
    public static IReadOnlyList<int>? GatewayDestinationPorts(string json, string clusterId)
    {
        using var doc = JsonDocument.Parse(json);
        if (!TryGetProperty(doc.RootElement, "clusters", out var clusters) || clusters.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var cluster in clusters.EnumerateArray())
        {
            if (!TryGetProperty(cluster, "clusterId", out var id) || id.ValueKind != JsonValueKind.String
                || !string.Equals(id.GetString(), clusterId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var ports = new List<int>();
            if (!TryGetProperty(cluster, "destinations", out var destinations))
            {
                return ports;
            }

            // An array of {id, address} as documented; YARP's own config shape (a map of id -> {address}) also reads.
            var entries = destinations.ValueKind switch
            {
                JsonValueKind.Array => destinations.EnumerateArray().ToList(),
                JsonValueKind.Object => destinations.EnumerateObject().Select(p => p.Value).ToList(),
                _ => [],
            };
            foreach (var destination in entries)
            {
                if (TryGetProperty(destination, "address", out var address) && address.ValueKind == JsonValueKind.String
                    && Uri.TryCreate(address.GetString(), UriKind.Absolute, out var uri))
                {
                    ports.Add(uri.Port);
                }
            }

            return ports;
        }

        return null;
    }

    /// <summary>Shortens a response body for an error message.</summary>
    public static string Abbreviate(string text, int max = 200)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= max ? oneLine : oneLine[..max] + "...";
    }

    private static int? ReadPort(JsonElement element)
    {
        // Eureka writes {"$": 8082, "@enabled": "true"}; some clients send the number as a string or bare.
        if (element.ValueKind == JsonValueKind.Object && TryGetProperty(element, "$", out var inner))
        {
            element = inner;
        }

        return element.ValueKind switch
        {
            JsonValueKind.Number when element.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
