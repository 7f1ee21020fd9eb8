using System.Buffers;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace EStore.Platform.Observability;

/// <summary>
/// Writes one <see cref="Activity"/> as a Zipkin v2 span (OpenTelemetry's Zipkin mapping): lower-hex
/// ids, microsecond timestamp and duration (at least 1), kind only for CLIENT/SERVER/PRODUCER/CONSUMER,
/// string tags, <c>error</c> only on error status, events as annotations.
/// </summary>
internal static class ZipkinSpanWriter
{
    private const long UnixEpochTicks = 621355968000000000L;

    // Re-derived from the status; a user's "error": false would make Zipkin paint the span red.
    private static readonly HashSet<string> StatusTags = ["error", "otel.status_code", "otel.status_description"];

    public static void Write(Utf8JsonWriter writer, Activity activity, ZipkinEndpoint local)
    {
        writer.WriteStartObject();
        writer.WriteString("traceId", activity.TraceId.ToHexString());
        if (activity.ParentSpanId != default)
        {
            writer.WriteString("parentId", activity.ParentSpanId.ToHexString());
        }
        writer.WriteString("id", activity.SpanId.ToHexString());
        if (Kind(activity) is { } kind)
        {
            writer.WriteString("kind", kind);
        }
        writer.WriteString("name", string.IsNullOrEmpty(activity.DisplayName) ? activity.OperationName : activity.DisplayName);
        writer.WriteNumber("timestamp", Micros(activity.StartTimeUtc.Ticks));
        writer.WriteNumber("duration", Math.Max(1L, activity.Duration.Ticks / 10));
        local.Write(writer, "localEndpoint");
        Remote(activity).Write(writer, "remoteEndpoint");
        WriteAnnotations(writer, activity);
        WriteTags(writer, activity);
        writer.WriteEndObject();
    }

    private static string? Kind(Activity activity) => activity.Kind switch
    {
        // YARP's proxy.forwarder is a Server activity inside the gateway's own server span; as a
        // SERVER it would make Zipkin draw gateway -> gateway. Its HttpClient child is the CLIENT span.
        ActivityKind.Server when activity.Source.Name == ObservabilityExtensions.YarpSource => null,
        ActivityKind.Server => "SERVER",
        ActivityKind.Client => "CLIENT",
        ActivityKind.Producer => "PRODUCER",
        ActivityKind.Consumer => "CONSUMER",
        _ => null,
    };

    private static long Micros(long utcTicks) => (utcTicks - UnixEpochTicks) / 10;

    private static ZipkinEndpoint Remote(Activity activity) => activity.Kind switch
    {
        ActivityKind.Server when activity.Source.Name != ObservabilityExtensions.YarpSource => Caller(activity),
        ActivityKind.Client or ActivityKind.Producer or ActivityKind.Consumer => Callee(activity),
        _ => new ZipkinEndpoint(null, null, null),
    };

    private static ZipkinEndpoint Caller(Activity activity)
    {
        var (_, address) = ZipkinEndpoint.ParseHost(activity.GetTagItem("client.address") as string ?? activity.GetTagItem("network.peer.address") as string);
        return new ZipkinEndpoint(activity.GetTagItem("peer.service") as string, address, ZipkinEndpoint.ParsePort(activity.GetTagItem("network.peer.port")));
    }

    private static ZipkinEndpoint Callee(Activity activity)
    {
        var (hostName, hostAddress) = ZipkinEndpoint.ParseHost(activity.GetTagItem("server.address") as string ?? activity.GetTagItem("net.peer.name") as string);
        var (_, peerAddress) = ZipkinEndpoint.ParseHost(activity.GetTagItem("network.peer.address") as string ?? activity.GetTagItem("net.peer.ip") as string);
        // The broker or database is named by its system, the same on both sides of a topic,
        // so Zipkin's dependency graph draws one "kafka" node rather than one per address.
        var name = activity.GetTagItem("peer.service") as string
            ?? activity.GetTagItem("messaging.system") as string
            ?? activity.GetTagItem("db.system.name") as string
            ?? activity.GetTagItem("db.system") as string
            ?? hostName;
        var port = ZipkinEndpoint.ParsePort(activity.GetTagItem("server.port"))
            ?? ZipkinEndpoint.ParsePort(activity.GetTagItem("network.peer.port"))
            ?? ZipkinEndpoint.ParsePort(activity.GetTagItem("net.peer.port"));
        return new ZipkinEndpoint(name, hostAddress ?? peerAddress, port);
    }

    private static void WriteAnnotations(Utf8JsonWriter writer, Activity activity)
    {
        var started = false;
        foreach (ref readonly var e in activity.EnumerateEvents())
        {
            if (!started)
            {
                writer.WriteStartArray("annotations");
                started = true;
            }
            writer.WriteStartObject();
            writer.WriteNumber("timestamp", Micros(e.Timestamp.UtcTicks));
            writer.WriteString("value", AnnotationValue(e));
            writer.WriteEndObject();
        }
        if (started)
        {
            writer.WriteEndArray();
        }
    }

    private static string AnnotationValue(ActivityEvent e)
    {
        // The spec's form: "name": {attributes as JSON}. Stack traces stay in the logs: they would
        // make every failed span kilobytes long.
        var any = false;
        foreach (ref readonly var tag in e.EnumerateTagObjects())
        {
            if (tag.Value is not null && tag.Key != "exception.stacktrace")
            {
                any = true;
                break;
            }
        }
        if (!any)
        {
            return e.Name;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (ref readonly var tag in e.EnumerateTagObjects())
            {
                if (tag.Value is not null && tag.Key != "exception.stacktrace")
                {
                    json.WriteString(tag.Key, TagString(tag.Value));
                }
            }
            json.WriteEndObject();
        }
        return $"{JsonSerializer.Serialize(e.Name)}: {System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan)}";
    }

    private static void WriteTags(Utf8JsonWriter writer, Activity activity)
    {
        writer.WriteStartObject("tags");
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (tag.Value is null || StatusTags.Contains(tag.Key))
            {
                continue;
            }
            writer.WriteString(tag.Key, TagString(tag.Value));
        }
        var source = activity.Source;
        writer.WriteString("otel.scope.name", source.Name);
        writer.WriteString("otel.library.name", source.Name);
        if (source.Version is { Length: > 0 } version)
        {
            writer.WriteString("otel.scope.version", version);
            writer.WriteString("otel.library.version", version);
        }
        WriteStatus(writer, activity);
        writer.WriteEndObject();
    }

    private static void WriteStatus(Utf8JsonWriter writer, Activity activity)
    {
        var status = activity.Status;
        if (status == ActivityStatusCode.Unset)
        {
            // Some libraries (older Npgsql) report status only through tags.
            status = (activity.GetTagItem("otel.status_code") as string)?.ToUpperInvariant() switch
            {
                "ERROR" => ActivityStatusCode.Error,
                "OK" => ActivityStatusCode.Ok,
                _ => ActivityStatusCode.Unset,
            };
        }
        switch (status)
        {
            case ActivityStatusCode.Ok:
                writer.WriteString("otel.status_code", "OK");
                break;
            case ActivityStatusCode.Error:
                writer.WriteString("otel.status_code", "ERROR");
                var description = activity.StatusDescription
                    ?? activity.GetTagItem("otel.status_description") as string
                    ?? activity.GetTagItem("error") as string
                    ?? activity.GetTagItem("error.type")?.ToString()
                    ?? "";
                writer.WriteString("error", description);
                break;
        }
    }

    /// <summary>A tag value as Zipkin wants it: a string; arrays become JSON array text.</summary>
    internal static string TagString(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable sequence => JsonArray(sequence),
        _ => value.ToString() ?? "",
    };

    private static string JsonArray(IEnumerable sequence)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in sequence)
            {
                switch (item)
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case bool b:
                        json.WriteBooleanValue(b);
                        break;
                    case string s:
                        json.WriteStringValue(s);
                        break;
                    case double d when double.IsFinite(d):
                        json.WriteNumberValue(d);
                        break;
                    case long or int or short or byte or sbyte or ushort or uint:
                        json.WriteNumberValue(Convert.ToInt64(item, CultureInfo.InvariantCulture));
                        break;
                    default:
                        json.WriteStringValue(TagString(item));
                        break;
                }
            }
            json.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
