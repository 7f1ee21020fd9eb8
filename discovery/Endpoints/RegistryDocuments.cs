using System.Buffers;
using System.Text.Json;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Endpoints;

/// <summary>The body format of a registry answer.</summary>
public enum ResponseFormat
{
    /// <summary>Eureka's legacy JSON codec (what every known client reads).</summary>
    Json,

    /// <summary>Eureka's XStream XML.</summary>
    Xml,
}

/// <summary>Serialises registry documents to bytes in either format.</summary>
internal static class RegistryDocuments
{
    /// <summary>
    /// JSON unless the client asks for XML and not for JSON. Eureka answers XML whenever
    /// <c>Accept</c> lacks "json" (a missing header included); every known client asks for
    /// JSON, and a browser or curl is better served by JSON too.
    /// </summary>
    public static ResponseFormat Negotiate(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("xml", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? ResponseFormat.Xml
            : ResponseFormat.Json;
    }

    public static string ContentType(ResponseFormat format) => format == ResponseFormat.Xml ? "application/xml" : "application/json";

    public static byte[] Applications(RegistrySnapshot snapshot, ResponseFormat format) => format == ResponseFormat.Xml
        ? EurekaXml.Applications(snapshot.Instances, snapshot.VersionsDelta, snapshot.HashCode)
        : Json(w => EurekaJson.WriteApplications(w, snapshot.Instances, snapshot.VersionsDelta, snapshot.HashCode));

    public static byte[] Application(string appName, IReadOnlyList<EurekaInstance> instances, ResponseFormat format) => format == ResponseFormat.Xml
        ? EurekaXml.Application(appName, instances)
        : Json(w => EurekaJson.WriteApplication(w, appName, instances));

    public static byte[] Instance(EurekaInstance instance, ResponseFormat format) => format == ResponseFormat.Xml
        ? EurekaXml.Instance(instance)
        : Json(w => EurekaJson.WriteInstanceDocument(w, instance));

    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
