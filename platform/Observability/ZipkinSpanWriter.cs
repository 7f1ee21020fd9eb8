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
    private const int MaxScratchBytes = 64 * 1024;

    private static readonly JsonEncodedText TraceIdProperty = JsonEncodedText.Encode("traceId");
    private static readonly JsonEncodedText ParentIdProperty = JsonEncodedText.Encode("parentId");
    private static readonly JsonEncodedText IdProperty = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText KindProperty = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText DurationProperty = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText LocalEndpointProperty = JsonEncodedText.Encode("localEndpoint");
    private static readonly JsonEncodedText RemoteEndpointProperty = JsonEncodedText.Encode("remoteEndpoint");
    private static readonly JsonEncodedText AnnotationsProperty = JsonEncodedText.Encode("annotations");
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText TagsProperty = JsonEncodedText.Encode("tags");
    private static readonly JsonEncodedText ScopeNameTag = JsonEncodedText.Encode("otel.scope.name");
    private static readonly JsonEncodedText ScopeVersionTag = JsonEncodedText.Encode("otel.scope.version");
    private static readonly JsonEncodedText LibraryNameTag = JsonEncodedText.Encode("otel.library.name");
    private static readonly JsonEncodedText LibraryVersionTag = JsonEncodedText.Encode("otel.library.version");
    private static readonly JsonEncodedText StatusCodeTag = JsonEncodedText.Encode("otel.status_code");
    private static readonly JsonEncodedText ErrorTag = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText Server = JsonEncodedText.Encode("SERVER");
    private static readonly JsonEncodedText Client = JsonEncodedText.Encode("CLIENT");
    private static readonly JsonEncodedText Producer = JsonEncodedText.Encode("PRODUCER");
    private static readonly JsonEncodedText Consumer = JsonEncodedText.Encode("CONSUMER");
    private static readonly JsonEncodedText Ok = JsonEncodedText.Encode("OK");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("ERROR");
    private static readonly JsonEncodedText True = JsonEncodedText.Encode("true");
    private static readonly JsonEncodedText False = JsonEncodedText.Encode("false");

    // Spans are written by the threads that end them, again and again with the same few tag keys
    // and sources: their JSON text is made once per thread (bounded, in case keys are dynamic).
    [ThreadStatic]
    private static Dictionary<string, JsonEncodedText>? t_keys;
    [ThreadStatic]
    private static Dictionary<ActivitySource, SourceTags>? t_sources;
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>The options the span writer is meant for: no HTML-safe escaping (Zipkin reads UTF-8 JSON), no re-validation of our own structure.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>
    /// Writes the span into a pooled buffer. Called as the span ends, on the thread that ended it,
    /// while the activity is still in that core's cache: the same work on the export thread, which
    /// finds every activity cold, costs several times as much.
    /// </summary>
    public static SerializedSpan Serialize(Activity activity, ZipkinEndpoint local)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        Write(scratch.Writer, activity, local);
        scratch.Writer.Flush();
        var json = scratch.Buffer.WrittenSpan;
        var copy = ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(copy);
        if (scratch.Buffer.Capacity > MaxScratchBytes)
        {
            // An unusually large span (long annotations) should not pin its buffer to this thread.
            t_scratch = null;
        }
        return new SerializedSpan(copy, json.Length);
    }

    public static void Write(Utf8JsonWriter writer, Activity activity, ZipkinEndpoint local)
    {
        writer.WriteStartObject();
        Span<byte> hex = stackalloc byte[32];
        writer.WriteString(TraceIdProperty, Hex(activity.TraceId, hex));
        if (activity.ParentSpanId != default)
        {
            writer.WriteString(ParentIdProperty, Hex(activity.ParentSpanId, hex));
        }
        writer.WriteString(IdProperty, Hex(activity.SpanId, hex));
        if (Kind(activity) is { } kind)
        {
            writer.WriteString(KindProperty, kind);
        }
        writer.WriteString(NameProperty, string.IsNullOrEmpty(activity.DisplayName) ? activity.OperationName : activity.DisplayName);
        writer.WriteNumber(TimestampProperty, Micros(activity.StartTimeUtc.Ticks));
        writer.WriteNumber(DurationProperty, Math.Max(1L, activity.Duration.Ticks / 10));
        local.Write(writer, LocalEndpointProperty);
        WriteRemote(writer, activity);
        WriteAnnotations(writer, activity);
        WriteTags(writer, activity);
        writer.WriteEndObject();
    }

    private static ReadOnlySpan<byte> Hex(ActivityTraceId id, Span<byte> hex)
    {
        Span<byte> raw = stackalloc byte[16];
        id.CopyTo(raw);
        Convert.TryToHexStringLower(raw, hex, out var written);
        return hex[..written];
    }

    private static ReadOnlySpan<byte> Hex(ActivitySpanId id, Span<byte> hex)
    {
        Span<byte> raw = stackalloc byte[8];
        id.CopyTo(raw);
        Convert.TryToHexStringLower(raw, hex, out var written);
        return hex[..written];
    }

    private static JsonEncodedText? Kind(Activity activity) => activity.Kind switch
    {
        // YARP's proxy.forwarder is a Server activity inside the gateway's own server span; as a
        // SERVER it would make Zipkin draw gateway -> gateway. Its HttpClient child is the CLIENT span.
        ActivityKind.Server when activity.Source.Name == ObservabilityExtensions.YarpSource => null,
        ActivityKind.Server => Server,
        ActivityKind.Client => Client,
        ActivityKind.Producer => Producer,
        ActivityKind.Consumer => Consumer,
        _ => null,
    };

    private static long Micros(long utcTicks) => (utcTicks - UnixEpochTicks) / 10;

    private static void WriteRemote(Utf8JsonWriter writer, Activity activity)
    {
        switch (activity.Kind)
        {
            case ActivityKind.Server when activity.Source.Name != ObservabilityExtensions.YarpSource:
                // The caller.
                var caller = ZipkinEndpoint.ParseHost(activity.GetTagItem("client.address") as string ?? activity.GetTagItem("network.peer.address") as string);
                ZipkinEndpoint.Write(writer, RemoteEndpointProperty, activity.GetTagItem("peer.service") as string, caller with { Name = null }, ZipkinEndpoint.ParsePort(activity.GetTagItem("network.peer.port")));
                break;
            case ActivityKind.Client or ActivityKind.Producer or ActivityKind.Consumer:
                // The callee.
                var host = ZipkinEndpoint.ParseHost(activity.GetTagItem("server.address") as string ?? activity.GetTagItem("net.peer.name") as string);
                var peer = ZipkinEndpoint.ParseHost(activity.GetTagItem("network.peer.address") as string ?? activity.GetTagItem("net.peer.ip") as string);
                // The broker or database is named by its system, the same on both sides of a topic,
                // so Zipkin's dependency graph draws one "kafka" node rather than one per address.
                var name = activity.GetTagItem("peer.service") as string
                    ?? activity.GetTagItem("messaging.system") as string
                    ?? activity.GetTagItem("db.system.name") as string
                    ?? activity.GetTagItem("db.system") as string
                    ?? host.Name;
                var port = ZipkinEndpoint.ParsePort(activity.GetTagItem("server.port"))
                    ?? ZipkinEndpoint.ParsePort(activity.GetTagItem("network.peer.port"))
                    ?? ZipkinEndpoint.ParsePort(activity.GetTagItem("net.peer.port"));
                ZipkinEndpoint.Write(writer, RemoteEndpointProperty, name, host.Text is null ? peer : host, port);
                break;
        }
    }

    private static void WriteAnnotations(Utf8JsonWriter writer, Activity activity)
    {
        var started = false;
        foreach (ref readonly var e in activity.EnumerateEvents())
        {
            if (!started)
            {
                writer.WriteStartArray(AnnotationsProperty);
                started = true;
            }
            writer.WriteStartObject();
            writer.WriteNumber(TimestampProperty, Micros(e.Timestamp.UtcTicks));
            writer.WriteString(ValueProperty, AnnotationValue(e));
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
        writer.WriteStartObject(TagsProperty);
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            // Re-derived from the status; a user's "error": false would make Zipkin paint the span red.
            if (tag.Value is null || tag.Key is "error" or "otel.status_code" or "otel.status_description")
            {
                continue;
            }
            WriteTag(writer, Key(tag.Key), tag.Value);
        }
        var source = Source(activity.Source);
        writer.WriteString(ScopeNameTag, source.Name);
        writer.WriteString(LibraryNameTag, source.Name);
        if (source.Version is { } version)
        {
            writer.WriteString(ScopeVersionTag, version);
            writer.WriteString(LibraryVersionTag, version);
        }
        WriteStatus(writer, activity);
        writer.WriteEndObject();
    }

    private static void WriteTag(Utf8JsonWriter writer, JsonEncodedText key, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteString(key, text);
                return;
            case bool flag:
                writer.WriteString(key, flag ? True : False);
                return;
            case ISpanFormattable number and (int or long or short or byte or uint or ulong or ushort or sbyte or double or float or decimal):
                // Formatted in place; double's default format is the shortest round-trip text ("R").
                Span<char> formatted = stackalloc char[64];
                if (number.TryFormat(formatted, out var written, default, CultureInfo.InvariantCulture))
                {
                    writer.WriteString(key, formatted[..written]);
                    return;
                }
                break;
        }
        writer.WriteString(key, TagString(value));
    }

    private static JsonEncodedText Key(string key)
    {
        var keys = t_keys ??= new Dictionary<string, JsonEncodedText>(StringComparer.Ordinal);
        if (!keys.TryGetValue(key, out var encoded))
        {
            if (keys.Count >= 512)
            {
                keys.Clear();
            }
            encoded = JsonEncodedText.Encode(key, WriterOptions.Encoder);
            keys[key] = encoded;
        }
        return encoded;
    }

    private static SourceTags Source(ActivitySource source)
    {
        var sources = t_sources ??= new Dictionary<ActivitySource, SourceTags>(ReferenceEqualityComparer.Instance);
        if (!sources.TryGetValue(source, out var tags))
        {
            if (sources.Count >= 256)
            {
                sources.Clear();
            }
            tags = new SourceTags(
                JsonEncodedText.Encode(source.Name, WriterOptions.Encoder),
                source.Version is { Length: > 0 } version ? JsonEncodedText.Encode(version, WriterOptions.Encoder) : null);
            sources[source] = tags;
        }
        return tags;
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
                writer.WriteString(StatusCodeTag, Ok);
                break;
            case ActivityStatusCode.Error:
                writer.WriteString(StatusCodeTag, Error);
                var description = activity.StatusDescription
                    ?? activity.GetTagItem("otel.status_description") as string
                    ?? activity.GetTagItem("error") as string
                    ?? activity.GetTagItem("error.type")?.ToString()
                    ?? "";
                writer.WriteString(ErrorTag, description);
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

    private readonly record struct SourceTags(JsonEncodedText Name, JsonEncodedText? Version);

    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);

        public ArrayBufferWriter<byte> Buffer { get; } = new(2048);

        public Utf8JsonWriter Writer { get; }
    }
}

/// <summary>One span's Zipkin JSON in a buffer rented from the shared pool.</summary>
internal readonly record struct SerializedSpan(byte[] Buffer, int Length)
{
    public ReadOnlySpan<byte> Json => Buffer.AsSpan(0, Length);

    /// <summary>Gives the buffer back; the span must not be read afterwards.</summary>
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
