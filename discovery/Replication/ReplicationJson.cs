using System.Globalization;
using System.Text.Json;
using EStore.Discovery.Endpoints;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Replication;

/// <summary>
/// The batch replication wire format: <c>{"replicationList":[...]}</c> requests and
/// <c>{"responseList":[...]}</c> responses, items encoded with Eureka's legacy codec.
/// </summary>
internal static class ReplicationJson
{
    public static byte[] WriteRequest(IEnumerable<ReplicationItem> items) => RegistryDocuments.Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("replicationList");
        foreach (var item in items)
        {
            w.WriteStartObject();
            w.WriteString("appName", item.AppName);
            w.WriteString("id", item.Id);
            if (item.LastDirtyTimestamp is { } dirty)
            {
                w.WriteNumber("lastDirtyTimestamp", dirty);
            }
            if (item.OverriddenStatus is { } overridden)
            {
                w.WriteString("overriddenStatus", EurekaJson.ToWire(overridden));
            }
            if (item.Status is { } status)
            {
                w.WriteString("status", EurekaJson.ToWire(status));
            }
            if (item.Instance is { } instance)
            {
                w.WritePropertyName("instanceInfo");
                EurekaJson.WriteInstance(w, instance);
            }
            w.WriteString("action", item.Action.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Reads a batch request; an item that cannot be read becomes null (answered 400 on its own).</summary>
    /// <exception cref="JsonException">The body is not a replication list.</exception>
    public static List<ReplicationItem?> ReadRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("replicationList", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("Not a replication batch: the 'replicationList' array is missing.");
        }
        return [.. list.EnumerateArray().Select(ReadItem)];
    }

    public static byte[] WriteResponse(IEnumerable<ReplicationResult> results) => RegistryDocuments.Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("responseList");
        foreach (var result in results)
        {
            w.WriteStartObject();
            w.WriteNumber("statusCode", result.StatusCode);
            if (result.Entity is { } entity)
            {
                w.WritePropertyName("responseEntity");
                EurekaJson.WriteInstance(w, entity);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <exception cref="JsonException">The body is not a response list.</exception>
    public static List<ReplicationResult> ReadResponse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("responseList", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("Not a replication response: the 'responseList' array is missing.");
        }
        return [.. list.EnumerateArray().Select(e =>
        {
            var status = e.TryGetProperty("statusCode", out var s) && s.TryGetInt32(out var code) ? code : 500;
            var entity = e.TryGetProperty("responseEntity", out var r) && r.ValueKind == JsonValueKind.Object ? EurekaJson.ParseInstance(r) : null;
            return new ReplicationResult(status, entity);
        })];
    }

    private static ReplicationItem? ReadItem(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object
            || Text(e, "action") is not { } actionText
            || !Enum.TryParse<ReplicationAction>(actionText, ignoreCase: false, out var action)
            || !Enum.IsDefined(action))
        {
            return null;
        }
        var instance = e.TryGetProperty("instanceInfo", out var info) && info.ValueKind == JsonValueKind.Object ? EurekaJson.ParseInstance(info) : null;
        var appName = (Text(e, "appName") ?? instance?.AppName ?? "").ToUpperInvariant();
        var id = Text(e, "id") ?? instance?.InstanceId ?? "";
        if (appName.Length == 0 || id.Length == 0 || (action == ReplicationAction.Register && instance is null))
        {
            return null;
        }
        long? dirty = Text(e, "lastDirtyTimestamp") is { } d && long.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        return new ReplicationItem(action, appName, id, dirty, Status(e, "status"), Status(e, "overriddenStatus") ?? Status(e, "overriddenstatus"), instance);
    }

    private static InstanceStatus? Status(JsonElement e, string name) =>
        Text(e, name) is { } text && EurekaJson.TryParseStatus(text, out var status) ? status : null;

    private static string? Text(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
