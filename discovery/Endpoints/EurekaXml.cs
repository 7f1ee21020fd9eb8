using System.Globalization;
using System.Text;
using System.Xml;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Endpoints;

/// <summary>
/// Eureka's XStream XML form of the registry documents (for clients that ask for XML only).
/// Differences from the JSON codec: <c>overriddenstatus</c> is lower case, the port's enabled
/// flag is an attribute, the data center class is a <c>class</c> attribute, and metadata
/// entries are elements named by their keys (keys that are not valid XML names are skipped).
/// </summary>
internal static class EurekaXml
{
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };

    public static byte[] Applications(IEnumerable<EurekaInstance> instances, string versionsDelta, string hashCode) => Write(w =>
    {
        w.WriteStartElement("applications");
        w.WriteElementString("versions__delta", versionsDelta);
        w.WriteElementString("apps__hashcode", hashCode);
        foreach (var app in instances.GroupBy(i => i.AppName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            WriteApplication(w, app.Key, app);
        }
        w.WriteEndElement();
    });

    public static byte[] Application(string appName, IEnumerable<EurekaInstance> instances) =>
        Write(w => WriteApplication(w, appName, instances));

    public static byte[] Instance(EurekaInstance instance) => Write(w => WriteInstance(w, instance));

    private static byte[] Write(Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, Settings))
        {
            write(writer);
        }
        return buffer.ToArray();
    }

    private static void WriteApplication(XmlWriter w, string appName, IEnumerable<EurekaInstance> instances)
    {
        w.WriteStartElement("application");
        w.WriteElementString("name", appName);
        foreach (var instance in instances)
        {
            WriteInstance(w, instance);
        }
        w.WriteEndElement();
    }

    private static void WriteInstance(XmlWriter w, EurekaInstance i)
    {
        w.WriteStartElement("instance");
        if (i.InstanceId.Length > 0)
        {
            w.WriteElementString("instanceId", i.InstanceId);
        }
        w.WriteElementString("hostName", i.HostName);
        w.WriteElementString("app", i.AppName);
        w.WriteElementString("ipAddr", i.IpAddress);
        w.WriteElementString("status", EurekaJson.ToWire(i.Status));
        w.WriteElementString("overriddenstatus", EurekaJson.ToWire(i.OverriddenStatus));
        WritePort(w, "port", i.Port, i.PortEnabled);
        WritePort(w, "securePort", i.SecurePort, i.SecurePortEnabled);
        w.WriteElementString("countryId", Number(i.CountryId));
        w.WriteStartElement("dataCenterInfo");
        var amazon = i.DataCenterName == "Amazon";
        w.WriteAttributeString("class", amazon ? "com.netflix.appinfo.AmazonInfo" : "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo");
        w.WriteElementString("name", amazon ? "Amazon" : "MyOwn");
        w.WriteEndElement();
        w.WriteStartElement("leaseInfo");
        w.WriteElementString("renewalIntervalInSecs", Number(i.RenewalIntervalSeconds));
        w.WriteElementString("durationInSecs", Number(i.LeaseDurationSeconds));
        w.WriteElementString("registrationTimestamp", Number(i.RegistrationTimestamp));
        w.WriteElementString("lastRenewalTimestamp", Number(i.LastRenewalTimestamp));
        w.WriteElementString("evictionTimestamp", Number(i.EvictionTimestamp));
        w.WriteElementString("serviceUpTimestamp", Number(i.ServiceUpTimestamp));
        w.WriteEndElement();
        w.WriteStartElement("metadata");
        var written = 0;
        foreach (var (key, value) in i.Metadata)
        {
            if (IsXmlName(key))
            {
                w.WriteElementString(key, value);
                written++;
            }
        }
        if (written == 0)
        {
            w.WriteAttributeString("class", "java.util.Collections$EmptyMap");
        }
        w.WriteEndElement();
        WriteIfPresent(w, "appGroupName", i.AppGroupName);
        WriteIfPresent(w, "homePageUrl", i.HomePageUrl);
        WriteIfPresent(w, "statusPageUrl", i.StatusPageUrl);
        WriteIfPresent(w, "healthCheckUrl", i.HealthCheckUrl);
        WriteIfPresent(w, "secureHealthCheckUrl", i.SecureHealthCheckUrl);
        WriteIfPresent(w, "vipAddress", i.VipAddress);
        WriteIfPresent(w, "secureVipAddress", i.SecureVipAddress);
        w.WriteElementString("isCoordinatingDiscoveryServer", i.IsCoordinatingDiscoveryServer ? "true" : "false");
        w.WriteElementString("lastUpdatedTimestamp", Number(i.LastUpdatedTimestamp));
        w.WriteElementString("lastDirtyTimestamp", Number(i.LastDirtyTimestamp));
        if (i.ActionType is { } action)
        {
            w.WriteElementString("actionType", action.ToString().ToUpperInvariant());
        }
        WriteIfPresent(w, "asgName", i.AsgName);
        w.WriteEndElement();
    }

    private static void WritePort(XmlWriter w, string name, int port, bool enabled)
    {
        w.WriteStartElement(name);
        w.WriteAttributeString("enabled", enabled ? "true" : "false");
        w.WriteString(Number(port));
        w.WriteEndElement();
    }

    private static void WriteIfPresent(XmlWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteElementString(name, value);
        }
    }

    private static bool IsXmlName(string key)
    {
        try
        {
            XmlConvert.VerifyName(key);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
