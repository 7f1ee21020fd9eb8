using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EStore.Testing;

/// <summary>What Zipkin's v2 decoder accepts (../shared/reference/zipkin-otel-facts.md, section 1), strictly.</summary>
public static partial class ZipkinSpanRules
{
    private static readonly string[] Kinds = ["CLIENT", "SERVER", "PRODUCER", "CONSUMER"];
    private static readonly string[] Known = ["traceId", "parentId", "id", "kind", "name", "timestamp", "duration", "localEndpoint", "remoteEndpoint", "annotations", "tags", "debug", "shared"];

    public static IEnumerable<string> Check(JsonElement span)
    {
        if (span.ValueKind != JsonValueKind.Object)
        {
            yield return "span is not an object";
            yield break;
        }
        foreach (var property in span.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
            {
                yield return $"unknown field {property.Name}";
            }
        }
        if (!IsId(span, "traceId", TraceId()))
        {
            yield return "traceId is not 16 or 32 lower-hex characters (non-zero)";
        }
        if (!IsId(span, "id", SpanId()))
        {
            yield return "id is not 16 lower-hex characters (non-zero)";
        }
        if (span.TryGetProperty("parentId", out _))
        {
            if (!IsId(span, "parentId", SpanId()))
            {
                yield return "parentId is not 16 lower-hex characters";
            }
            else if (span.GetProperty("parentId").GetString() == span.GetProperty("id").GetString())
            {
                yield return "parentId equals id";
            }
        }
        if (span.TryGetProperty("kind", out var kind) && (kind.ValueKind != JsonValueKind.String || !Kinds.Contains(kind.GetString())))
        {
            yield return $"kind {kind} is not one of {string.Join(", ", Kinds)}";
        }
        if (!span.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 })
        {
            yield return "no name";
        }
        if (!span.TryGetProperty("timestamp", out var timestamp) || !timestamp.TryGetInt64(out var micros) || !IsPlausibleMicros(micros))
        {
            yield return "timestamp is not epoch microseconds of today";
        }
        if (!span.TryGetProperty("duration", out var duration) || !duration.TryGetInt64(out var d) || d < 1 || d > 600_000_000)
        {
            yield return "duration is not a whole number of microseconds >= 1";
        }
        if (!span.TryGetProperty("localEndpoint", out var local) || !local.TryGetProperty("serviceName", out var service) || service.GetString() is not { Length: > 0 })
        {
            yield return "no localEndpoint.serviceName";
        }
        else
        {
            foreach (var problem in CheckEndpoint(local, "localEndpoint"))
            {
                yield return problem;
            }
        }
        if (span.TryGetProperty("remoteEndpoint", out var remote))
        {
            foreach (var problem in CheckEndpoint(remote, "remoteEndpoint"))
            {
                yield return problem;
            }
        }
        if (span.TryGetProperty("annotations", out var annotations))
        {
            foreach (var annotation in annotations.EnumerateArray())
            {
                if (!annotation.TryGetProperty("timestamp", out var at) || !at.TryGetInt64(out var atMicros) || !IsPlausibleMicros(atMicros)
                    || !annotation.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
                {
                    yield return $"incomplete annotation {annotation}";
                }
            }
        }
        if (span.TryGetProperty("tags", out var tags))
        {
            foreach (var tag in tags.EnumerateObject())
            {
                if (tag.Value.ValueKind != JsonValueKind.String)
                {
                    yield return $"tag {tag.Name} is not a string";
                }
            }
            var isError = tags.TryGetProperty("otel.status_code", out var code) && code.GetString() == "ERROR";
            if (tags.TryGetProperty("error", out _) != isError)
            {
                yield return "error tag without ERROR status, or ERROR status without error tag";
            }
        }
        foreach (var flag in new[] { "debug", "shared" })
        {
            if (span.TryGetProperty(flag, out _))
            {
                yield return $"{flag} set";
            }
        }
    }

    private static IEnumerable<string> CheckEndpoint(JsonElement endpoint, string what)
    {
        if (endpoint.TryGetProperty("port", out var port) && (!port.TryGetInt32(out var p) || p is < 1 or > 65535))
        {
            yield return $"{what}.port {port}";
        }
        if (endpoint.TryGetProperty("ipv4", out var ipv4) && (!IPAddress.TryParse(ipv4.GetString(), out var v4) || v4.AddressFamily != AddressFamily.InterNetwork))
        {
            yield return $"{what}.ipv4 {ipv4}";
        }
        if (endpoint.TryGetProperty("ipv6", out var ipv6) && (!IPAddress.TryParse(ipv6.GetString(), out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6))
        {
            yield return $"{what}.ipv6 {ipv6}";
        }
    }

    private static bool IsId(JsonElement span, string property, Regex pattern) =>
        span.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { } text && pattern.IsMatch(text) && text.Any(c => c != '0');

    private static bool IsPlausibleMicros(long micros)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        return micros > now - 86_400_000_000L && micros < now + 60_000_000L;
    }

    [GeneratedRegex("^([0-9a-f]{16}|[0-9a-f]{32})$")]
    private static partial Regex TraceId();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex SpanId();
}
