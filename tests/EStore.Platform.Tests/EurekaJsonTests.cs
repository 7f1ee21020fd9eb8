using System.Text.Json;
using EStore.Platform.Discovery;

namespace EStore.Platform.Tests;

public sealed class EurekaJsonTests
{
    private static readonly EurekaInstance Sample = new()
    {
        InstanceId = "host-a:orders:8080",
        AppName = "ORDERS",
        HostName = "host-a",
        IpAddress = "10.0.0.5",
        Port = 8080,
        VipAddress = "orders",
        SecureVipAddress = "orders",
        HealthCheckUrl = "http://host-a:8080/actuator/health",
        RegistrationTimestamp = 1_700_000_000_000,
        LastDirtyTimestamp = 1_699_999_999_000,
        LastUpdatedTimestamp = 1_700_000_000_123,
        ActionType = EurekaActionType.Added,
    };

    [Fact]
    public void Instance_is_written_with_the_legacy_codec_types()
    {
        var json = JsonDocument.Parse(EurekaJson.SerializeInstanceDocument(Sample)).RootElement.GetProperty("instance");

        Assert.Equal(JsonValueKind.Number, json.GetProperty("port").GetProperty("$").ValueKind);
        Assert.Equal("true", json.GetProperty("port").GetProperty("@enabled").GetString());
        Assert.Equal("false", json.GetProperty("securePort").GetProperty("@enabled").GetString());
        Assert.Equal("1699999999000", json.GetProperty("lastDirtyTimestamp").GetString());
        Assert.Equal("false", json.GetProperty("isCoordinatingDiscoveryServer").GetString());
        Assert.Equal("java.util.Collections$EmptyMap", json.GetProperty("metadata").GetProperty("@class").GetString());
        Assert.Equal("MyOwn", json.GetProperty("dataCenterInfo").GetProperty("name").GetString());
        Assert.Equal("ADDED", json.GetProperty("actionType").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("leaseInfo").GetProperty("durationInSecs").ValueKind);
    }

    [Fact]
    public void Instance_survives_a_write_read_round_trip()
    {
        var withMetadata = Sample with { Metadata = new Dictionary<string, string> { ["zone"] = "primary" }, Status = InstanceStatus.OutOfService };
        var json = JsonDocument.Parse(EurekaJson.SerializeInstanceDocument(withMetadata)).RootElement.GetProperty("instance");

        var read = EurekaJson.ParseInstance(json);

        Assert.Equal(withMetadata.InstanceId, read.InstanceId);
        Assert.Equal(withMetadata.Port, read.Port);
        Assert.Equal(InstanceStatus.OutOfService, read.Status);
        Assert.Equal("primary", read.Metadata["zone"]);
        Assert.Equal(withMetadata.LastDirtyTimestamp, read.LastDirtyTimestamp);
        Assert.Equal(new Uri("http://host-a:8080/"), read.BaseUri);
    }

    [Fact]
    public void Lenient_reader_accepts_plain_number_port_string_scalars_and_missing_id()
    {
        const string body = """
            {"hostName":"js-host","app":"jqservice","ipAddr":"10.0.0.9","status":"UP","port":8081,
             "dataCenterInfo":{"name":"MyOwn"},"overriddenstatus":"UNKNOWN","countryId":"1",
             "leaseInfo":{"renewalIntervalInSecs":"10","durationInSecs":null},"appGroupName":null}
            """;

        var read = EurekaJson.ParseInstance(JsonDocument.Parse(body).RootElement);

        Assert.Equal("JQSERVICE", read.AppName);
        Assert.Equal("js-host", read.InstanceId);
        Assert.Equal(8081, read.Port);
        Assert.True(read.PortEnabled);
        Assert.Equal(10, read.RenewalIntervalSeconds);
        Assert.Equal(90, read.LeaseDurationSeconds);
        Assert.Null(read.AppGroupName);
    }

    [Fact]
    public void Applications_document_groups_by_app_and_reader_accepts_single_objects()
    {
        var other = Sample with { InstanceId = "host-b:orders:8080", HostName = "host-b", Status = InstanceStatus.Down };
        var text = EurekaJson.SerializeApplications([Sample, other, Sample with { AppName = "CARTS", InstanceId = "c1" }], "1", "x");
        var root = JsonDocument.Parse(text).RootElement;

        Assert.Equal(2, root.GetProperty("applications").GetProperty("application").GetArrayLength());
        var parsed = EurekaJson.ParseApplications(root);
        Assert.Equal(3, parsed.Instances.Count);

        const string single = """{"applications":{"versions__delta":"1","apps__hashcode":"UP_1_","application":{"name":"A","instance":{"app":"A","hostName":"h","port":{"$":"81","@enabled":true}}}}}""";
        var one = Assert.Single(EurekaJson.ParseApplications(JsonDocument.Parse(single).RootElement).Instances);
        Assert.Equal(81, one.Port);
    }

    [Fact]
    public void Reconcile_hash_code_counts_statuses_in_ordinal_order()
    {
        var down = Sample with { Status = InstanceStatus.Down };

        Assert.Equal("DOWN_1_UP_2_", EurekaJson.ReconcileHashCode([Sample, down, Sample]));
        Assert.Equal("UP_1_", EurekaJson.ReconcileHashCode([Sample]));
        Assert.Equal("", EurekaJson.ReconcileHashCode([]));
    }

    [Fact]
    public void Empty_applications_document_still_has_the_application_key()
    {
        var root = JsonDocument.Parse(EurekaJson.SerializeApplications([], "1", "")).RootElement;

        Assert.Equal(0, root.GetProperty("applications").GetProperty("application").GetArrayLength());
    }
}
