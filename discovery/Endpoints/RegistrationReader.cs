using System.Text.Json;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Endpoints;

/// <summary>
/// Turns a registration body's <c>instance</c> object into a record, applying Eureka's
/// server-side validation (the first failing rule wins; the messages are Eureka's own).
/// </summary>
internal static class RegistrationReader
{
    /// <summary>Validates and parses. Returns null and sets <paramref name="error"/> when the body is invalid.</summary>
    /// <param name="pathAppName">The <c>{app}</c> path segment.</param>
    /// <param name="element">The value of the body's root <c>instance</c> property.</param>
    /// <param name="error">The plain-text 400 message.</param>
    public static EurekaInstance? Read(string pathAppName, JsonElement element, out string? error)
    {
        error = Validate(pathAppName, element);
        if (error is not null)
        {
            return null;
        }
        var parsed = EurekaJson.ParseInstance(element);
        return parsed with
        {
            InstanceId = ResolveId(element)!,
            // Java's model starts at UP; a client that leaves status out means UP, not UNKNOWN.
            Status = EurekaJson.Has(element, "status") ? parsed.Status : InstanceStatus.Up,
            // The server owns these; client-sent values are ignored.
            ActionType = null,
            IsCoordinatingDiscoveryServer = false,
        };
    }

    private static string? Validate(string pathAppName, JsonElement element)
    {
        if (ResolveId(element) is null)
        {
            return "Missing instanceId";
        }
        if (!HasText(element, "hostName"))
        {
            return "Missing hostname";
        }
        if (!HasText(element, "ipAddr"))
        {
            return "Missing ip address";
        }
        if (!HasText(element, "app"))
        {
            return "Missing appName";
        }
        var expected = pathAppName.ToUpperInvariant();
        var actual = Text(element, "app")!.ToUpperInvariant();
        if (expected != actual)
        {
            return $"Mismatched appName, expecting {expected} but was {actual}";
        }
        if (!EurekaJson.Has(element, "dataCenterInfo") || element.GetProperty("dataCenterInfo").ValueKind != JsonValueKind.Object)
        {
            return "Missing dataCenterInfo";
        }
        // "@class" may be missing (eureka-js-client sends only the name); the name may not.
        if (!HasText(element.GetProperty("dataCenterInfo"), "name"))
        {
            return "Missing dataCenterInfo Name";
        }
        return null;
    }

    /// <summary>Eureka's id rule: instanceId, else the AWS instance-id of an Amazon data center, else hostName.</summary>
    private static string? ResolveId(JsonElement element)
    {
        if (Text(element, "instanceId") is { } id)
        {
            return id;
        }
        if (element.TryGetProperty("dataCenterInfo", out var dc) && dc.ValueKind == JsonValueKind.Object
            && Text(dc, "name") == "Amazon"
            && dc.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && Text(metadata, "instance-id") is { } awsId)
        {
            return awsId;
        }
        return Text(element, "hostName");
    }

    private static bool HasText(JsonElement element, string name) => Text(element, name) is not null;

    /// <summary>A non-blank scalar as text (numbers count: lenient like the codec), else null.</summary>
    private static string? Text(JsonElement element, string name)
    {
        if (!EurekaJson.Has(element, name))
        {
            return null;
        }
        var value = element.GetProperty(name);
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
