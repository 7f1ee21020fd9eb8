using System.Globalization;
using System.Text.Json;

namespace EStore.Platform.Discovery;

/// <summary>A registry document: instances plus the version and reconcile hash code the server sent.</summary>
/// <param name="Instances">Every instance in the document, of every app.</param>
/// <param name="VersionsDelta">The <c>versions__delta</c> value.</param>
/// <param name="HashCode">The <c>apps__hashcode</c> value.</param>
public sealed record EurekaApplications(IReadOnlyList<EurekaInstance> Instances, string VersionsDelta, string HashCode);

/// <summary>
/// Reads and writes Eureka's JSON wire format, reproducing the quirks of the Java server's
/// "legacy" codec that Java, Steeltoe and JavaScript clients were written against: ports as
/// <c>{"$": number, "@enabled": "string"}</c>, string-typed booleans and timestamps, arrays
/// for <c>application</c> and <c>instance</c>, and an explicit marker for empty metadata.
/// Reading is lenient: numbers or strings, booleans or strings, single objects or arrays.
/// </summary>
public static class EurekaJson
{
    private const string DefaultDataCenterClass = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo";
    private const string AmazonDataCenterClass = "com.netflix.appinfo.AmazonInfo";
    private const string EmptyMapClass = "java.util.Collections$EmptyMap";

    /// <summary>The wire name of a status (<c>UP</c>, <c>OUT_OF_SERVICE</c>, ...).</summary>
    public static string ToWire(InstanceStatus status) => status switch
    {
        InstanceStatus.Up => "UP",
        InstanceStatus.Down => "DOWN",
        InstanceStatus.Starting => "STARTING",
        InstanceStatus.OutOfService => "OUT_OF_SERVICE",
        _ => "UNKNOWN",
    };

    /// <summary>Parses a wire status name exactly (case-sensitive, as Eureka does); anything else is UNKNOWN.</summary>
    public static InstanceStatus ParseStatus(string? value) => value switch
    {
        "UP" => InstanceStatus.Up,
        "DOWN" => InstanceStatus.Down,
        "STARTING" => InstanceStatus.Starting,
        "OUT_OF_SERVICE" => InstanceStatus.OutOfService,
        _ => InstanceStatus.Unknown,
    };

    /// <summary>Parses a wire status name; false for anything that is not exactly one of the five names.</summary>
    public static bool TryParseStatus(string? value, out InstanceStatus status)
    {
        status = ParseStatus(value);
        return status != InstanceStatus.Unknown || value == "UNKNOWN";
    }

    /// <summary>
    /// Eureka's reconcile hash code: instance counts per status name, status names sorted
    /// ordinally, concatenated as <c>STATUS_count_</c> (for example <c>DOWN_1_UP_2_</c>).
    /// </summary>
    public static string ReconcileHashCode(IEnumerable<EurekaInstance> instances)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            var name = ToWire(instance.Status);
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        return string.Concat(counts.Select(c => $"{c.Key}_{c.Value}_"));
    }

    /// <summary>Writes <c>{"applications": {...}}</c> with instances grouped by app name.</summary>
    public static void WriteApplications(Utf8JsonWriter writer, IEnumerable<EurekaInstance> instances, string versionsDelta, string hashCode)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("applications");
        writer.WriteString("versions__delta", versionsDelta);
        writer.WriteString("apps__hashcode", hashCode);
        writer.WriteStartArray("application");
        foreach (var app in instances.GroupBy(i => i.AppName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            WriteApplicationBody(writer, app.Key, app);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"application": {"name": ..., "instance": [...]}}</c>.</summary>
    public static void WriteApplication(Utf8JsonWriter writer, string appName, IEnumerable<EurekaInstance> instances)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("application");
        WriteApplicationBody(writer, appName, instances);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"instance": {...}}</c>, the root of a registration body and of a one-instance GET.</summary>
    public static void WriteInstanceDocument(Utf8JsonWriter writer, EurekaInstance instance)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("instance");
        WriteInstance(writer, instance);
        writer.WriteEndObject();
    }

    /// <summary>Serialises <c>{"instance": {...}}</c> to a string.</summary>
    public static string SerializeInstanceDocument(EurekaInstance instance) =>
        WriteToString(w => WriteInstanceDocument(w, instance));

    /// <summary>Serialises a whole applications document to a string.</summary>
    public static string SerializeApplications(IEnumerable<EurekaInstance> instances, string versionsDelta, string hashCode) =>
        WriteToString(w => WriteApplications(w, instances, versionsDelta, hashCode));

    /// <summary>Writes one instance object (without the <c>instance</c> root), in the legacy codec's field order and types.</summary>
    public static void WriteInstance(Utf8JsonWriter writer, EurekaInstance instance)
    {
        writer.WriteStartObject();
        if (instance.InstanceId.Length > 0)
        {
            writer.WriteString("instanceId", instance.InstanceId);
        }
        writer.WriteString("hostName", instance.HostName);
        writer.WriteString("app", instance.AppName);
        writer.WriteString("ipAddr", instance.IpAddress);
        writer.WriteString("status", ToWire(instance.Status));
        writer.WriteString("overriddenStatus", ToWire(instance.OverriddenStatus));
        WritePort(writer, "port", instance.Port, instance.PortEnabled);
        WritePort(writer, "securePort", instance.SecurePort, instance.SecurePortEnabled);
        writer.WriteNumber("countryId", instance.CountryId);

        writer.WriteStartObject("dataCenterInfo");
        var amazon = instance.DataCenterName == "Amazon";
        writer.WriteString("@class", amazon ? AmazonDataCenterClass : DefaultDataCenterClass);
        writer.WriteString("name", amazon ? "Amazon" : "MyOwn");
        writer.WriteEndObject();

        writer.WriteStartObject("leaseInfo");
        writer.WriteNumber("renewalIntervalInSecs", instance.RenewalIntervalSeconds);
        writer.WriteNumber("durationInSecs", instance.LeaseDurationSeconds);
        writer.WriteNumber("registrationTimestamp", instance.RegistrationTimestamp);
        writer.WriteNumber("lastRenewalTimestamp", instance.LastRenewalTimestamp);
        writer.WriteNumber("evictionTimestamp", instance.EvictionTimestamp);
        writer.WriteNumber("serviceUpTimestamp", instance.ServiceUpTimestamp);
        writer.WriteEndObject();

        writer.WriteStartObject("metadata");
        if (instance.Metadata.Count == 0)
        {
            writer.WriteString("@class", EmptyMapClass);
        }
        foreach (var (key, value) in instance.Metadata)
        {
            writer.WriteString(key, value);
        }
        writer.WriteEndObject();

        WriteIfPresent(writer, "appGroupName", instance.AppGroupName);
        WriteIfPresent(writer, "homePageUrl", instance.HomePageUrl);
        WriteIfPresent(writer, "statusPageUrl", instance.StatusPageUrl);
        WriteIfPresent(writer, "healthCheckUrl", instance.HealthCheckUrl);
        WriteIfPresent(writer, "secureHealthCheckUrl", instance.SecureHealthCheckUrl);
        WriteIfPresent(writer, "vipAddress", instance.VipAddress);
        WriteIfPresent(writer, "secureVipAddress", instance.SecureVipAddress);
        writer.WriteString("isCoordinatingDiscoveryServer", instance.IsCoordinatingDiscoveryServer ? "true" : "false");
        writer.WriteString("lastUpdatedTimestamp", instance.LastUpdatedTimestamp.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("lastDirtyTimestamp", instance.LastDirtyTimestamp.ToString(CultureInfo.InvariantCulture));
        if (instance.ActionType is { } action)
        {
            writer.WriteString("actionType", action.ToString().ToUpperInvariant());
        }
        WriteIfPresent(writer, "asgName", instance.AsgName);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads an applications document (<c>{"applications": {...}}</c>). Accepts a single object
    /// where an array is expected, as every Eureka reader does.
    /// </summary>
    /// <exception cref="JsonException">The document has no <c>applications</c> object.</exception>
    public static EurekaApplications ParseApplications(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("applications", out var apps) || apps.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Not a Eureka applications document: the 'applications' object is missing.");
        }
        var instances = new List<EurekaInstance>();
        foreach (var app in Items(apps, "application"))
        {
            foreach (var instance in Items(app, "instance"))
            {
                instances.Add(ParseInstance(instance));
            }
        }
        return new EurekaApplications(instances, GetString(apps, "versions__delta") ?? "", GetString(apps, "apps__hashcode") ?? "");
    }

    /// <summary>
    /// Reads one instance object (without the <c>instance</c> root). Lenient: scalars may be
    /// numbers or strings, nulls count as absent, ports may be plain numbers. Fields a client
    /// left out get Eureka's defaults; when the id is missing the host name stands in for it.
    /// </summary>
    public static EurekaInstance ParseInstance(JsonElement element)
    {
        var (port, portEnabled) = ReadPort(element, "port", 0, defaultEnabled: true);
        var (securePort, securePortEnabled) = ReadPort(element, "securePort", 443, defaultEnabled: false);
        var lease = element.TryGetProperty("leaseInfo", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
        var hostName = GetString(element, "hostName") ?? "";
        var overridden = GetString(element, "overriddenStatus") ?? GetString(element, "overriddenstatus");
        var actionType = GetString(element, "actionType");
        var renewal = lease.ValueKind == JsonValueKind.Object ? GetLong(lease, "renewalIntervalInSecs") : null;
        var duration = lease.ValueKind == JsonValueKind.Object ? GetLong(lease, "durationInSecs") : null;

        return new EurekaInstance
        {
            InstanceId = GetString(element, "instanceId") ?? hostName,
            AppName = (GetString(element, "app") ?? "").ToUpperInvariant(),
            HostName = hostName,
            IpAddress = GetString(element, "ipAddr") ?? "",
            Status = ParseStatus(GetString(element, "status")),
            OverriddenStatus = ParseStatus(overridden),
            Port = port,
            PortEnabled = portEnabled,
            SecurePort = securePort,
            SecurePortEnabled = securePortEnabled,
            VipAddress = GetString(element, "vipAddress"),
            SecureVipAddress = GetString(element, "secureVipAddress"),
            HomePageUrl = GetString(element, "homePageUrl"),
            StatusPageUrl = GetString(element, "statusPageUrl"),
            HealthCheckUrl = GetString(element, "healthCheckUrl"),
            SecureHealthCheckUrl = GetString(element, "secureHealthCheckUrl"),
            AppGroupName = GetString(element, "appGroupName"),
            AsgName = GetString(element, "asgName"),
            DataCenterName = ReadDataCenterName(element),
            Metadata = ReadMetadata(element),
            RenewalIntervalSeconds = renewal is > 0 ? (int)renewal.Value : 30,
            LeaseDurationSeconds = duration is > 0 ? (int)duration.Value : 90,
            RegistrationTimestamp = LeaseLong(lease, "registrationTimestamp"),
            LastRenewalTimestamp = LeaseLong(lease, "lastRenewalTimestamp") is var r && r != 0 ? r : LeaseLong(lease, "renewalTimestamp"),
            EvictionTimestamp = LeaseLong(lease, "evictionTimestamp"),
            ServiceUpTimestamp = LeaseLong(lease, "serviceUpTimestamp"),
            LastUpdatedTimestamp = GetLong(element, "lastUpdatedTimestamp") ?? 0,
            LastDirtyTimestamp = GetLong(element, "lastDirtyTimestamp") ?? 0,
            IsCoordinatingDiscoveryServer = GetBool(element, "isCoordinatingDiscoveryServer") ?? false,
            ActionType = actionType is null ? null : Enum.TryParse<EurekaActionType>(actionType, ignoreCase: true, out var a) ? a : null,
            CountryId = (int)(GetLong(element, "countryId") ?? 1),
        };
    }

    /// <summary>True when the element has the named property with a non-null value.</summary>
    public static bool Has(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static void WriteApplicationBody(Utf8JsonWriter writer, string appName, IEnumerable<EurekaInstance> instances)
    {
        writer.WriteStartObject();
        writer.WriteString("name", appName);
        writer.WriteStartArray("instance");
        foreach (var instance in instances)
        {
            WriteInstance(writer, instance);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string WriteToString(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WritePort(Utf8JsonWriter writer, string name, int port, bool enabled)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("$", port);
        writer.WriteString("@enabled", enabled ? "true" : "false");
        writer.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            yield break;
        }
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    yield return item;
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            yield return value;
        }
    }

    private static (int Port, bool Enabled) ReadPort(JsonElement element, string name, int defaultPort, bool defaultEnabled)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return (defaultPort, defaultEnabled);
        }
        return value.ValueKind switch
        {
            JsonValueKind.Object => ((int)(GetLong(value, "$") ?? defaultPort), GetBool(value, "@enabled") ?? defaultEnabled),
            JsonValueKind.Number or JsonValueKind.String => ((int)(AsLong(value) ?? defaultPort), defaultEnabled),
            _ => (defaultPort, defaultEnabled),
        };
    }

    private static string ReadDataCenterName(JsonElement element)
    {
        if (!element.TryGetProperty("dataCenterInfo", out var dc) || dc.ValueKind != JsonValueKind.Object)
        {
            return "MyOwn";
        }
        return GetString(dc, "name") == "Amazon" || GetString(dc, "@class") == AmazonDataCenterClass ? "Amazon" : "MyOwn";
    }

    private static Dictionary<string, string> ReadMetadata(JsonElement element)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!element.TryGetProperty("metadata", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return metadata;
        }
        foreach (var property in map.EnumerateObject())
        {
            var isEmptyMarker = property.Name is "@class" or "class" && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() == EmptyMapClass;
            if (!isEmptyMarker && property.Value.ValueKind != JsonValueKind.Null)
            {
                metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }
        return metadata;
    }

    private static long LeaseLong(JsonElement lease, string name) =>
        lease.ValueKind == JsonValueKind.Object ? GetLong(lease, name) ?? 0 : 0;

    private static string? GetString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    private static long? GetLong(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? AsLong(value) : null;

    private static long? AsLong(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.Number when value.TryGetDouble(out var d) => (long)d,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
        _ => null,
    };

    private static bool? GetBool(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
            _ => null,
        };
    }
}
