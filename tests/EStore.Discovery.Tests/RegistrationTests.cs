using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EStore.Discovery.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task Registered_instance_appears_in_full_registry_upper_cased_and_up_with_legacy_codec_types()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var response = await client.RegisterAsync(Eureka.SteeltoeBody(app: "orders"), app: "orders");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var registry = await client.GetJsonAsync("/eureka/apps/");
        var applications = registry.GetProperty("applications");
        Assert.Equal("1", applications.GetProperty("versions__delta").GetString());
        Assert.Equal("UP_1_", applications.GetProperty("apps__hashcode").GetString());
        var app = Assert.Single(applications.GetProperty("application").EnumerateArray());
        Assert.Equal("ORDERS", app.GetProperty("name").GetString());

        var instance = Eureka.SingleInstance(registry);
        Assert.Equal("host-a:orders:8080", instance.GetProperty("instanceId").GetString());
        Assert.Equal("ORDERS", instance.GetProperty("app").GetString());
        Assert.Equal("UP", instance.GetProperty("status").GetString());
        Assert.Equal("UNKNOWN", instance.GetProperty("overriddenStatus").GetString());
        Assert.Equal(JsonValueKind.Number, instance.GetProperty("port").GetProperty("$").ValueKind);
        Assert.Equal(8080, instance.GetProperty("port").GetProperty("$").GetInt32());
        Assert.Equal("true", instance.GetProperty("port").GetProperty("@enabled").GetString());
        Assert.Equal("false", instance.GetProperty("securePort").GetProperty("@enabled").GetString());
        Assert.Equal("java.util.Collections$EmptyMap", instance.GetProperty("metadata").GetProperty("@class").GetString());
        Assert.Equal("false", instance.GetProperty("isCoordinatingDiscoveryServer").GetString());
        Assert.Equal("ADDED", instance.GetProperty("actionType").GetString());
        Assert.Equal("MyOwn", instance.GetProperty("dataCenterInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Server_sets_lease_timestamps_and_keeps_the_clients_dirty_timestamp()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var now = factory.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000000000"));

        var instance = (await client.GetJsonAsync("/eureka/v2/apps/ORDERS/host-a:orders:8080")).GetProperty("instance");
        var lease = instance.GetProperty("leaseInfo");
        Assert.Equal(now, lease.GetProperty("registrationTimestamp").GetInt64());
        Assert.Equal(now, lease.GetProperty("serviceUpTimestamp").GetInt64());
        Assert.Equal(0, lease.GetProperty("evictionTimestamp").GetInt64());
        Assert.Equal(90, lease.GetProperty("durationInSecs").GetInt32());
        Assert.Equal(now.ToString(), instance.GetProperty("lastUpdatedTimestamp").GetString());
        Assert.Equal("1700000000000", instance.GetProperty("lastDirtyTimestamp").GetString());
    }

    [Fact]
    public async Task Eureka_js_client_body_with_plain_port_and_no_instance_id_is_accepted_under_its_host_name()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var now = factory.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        var response = await client.RegisterAsync(Eureka.JsClientBody(app: "jqservice", host: "js-host"), app: "jqservice");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var instance = (await client.GetJsonAsync("/eureka/v2/apps/JQSERVICE/js-host")).GetProperty("instance");
        Assert.Equal("js-host", instance.GetProperty("instanceId").GetString());
        Assert.Equal(8080, instance.GetProperty("port").GetProperty("$").GetInt32());
        Assert.Equal("true", instance.GetProperty("port").GetProperty("@enabled").GetString());
        Assert.Equal("com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", instance.GetProperty("dataCenterInfo").GetProperty("@class").GetString());
        // No lastDirtyTimestamp sent: the server's "now" stands in.
        Assert.Equal(now.ToString(), instance.GetProperty("lastDirtyTimestamp").GetString());
        Assert.Equal(30, instance.GetProperty("leaseInfo").GetProperty("renewalIntervalInSecs").GetInt32());
    }

    [Fact]
    public async Task Registration_without_status_counts_as_up()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var body = Eureka.JsClientBody();
        body["instance"]!.AsObject().Remove("status");

        await client.RegisterAsync(body, app: "jqservice");

        Assert.Equal("UP_1_", (await client.GetJsonAsync("/eureka/apps")).GetProperty("applications").GetProperty("apps__hashcode").GetString());
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { "hostName", "Missing hostname" },
        { "ipAddr", "Missing ip address" },
        { "app", "Missing appName" },
        { "dataCenterInfo", "Missing dataCenterInfo" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Registration_missing_a_required_field_is_rejected_with_eurekas_message(string field, string message)
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var body = Eureka.SteeltoeBody();
        body["instance"]!.AsObject().Remove(field);

        var response = await client.RegisterAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.Content.ReadAsStringAsync());
        Assert.Empty((await client.GetJsonAsync("/eureka/apps")).GetProperty("applications").GetProperty("application").EnumerateArray());
    }

    [Fact]
    public async Task Registration_without_any_id_or_host_name_reports_missing_instance_id_first()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var body = Eureka.SteeltoeBody();
        body["instance"]!.AsObject().Remove("instanceId");
        body["instance"]!.AsObject().Remove("hostName");
        body["instance"]!.AsObject().Remove("ipAddr");

        var response = await client.RegisterAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Missing instanceId", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Registration_under_another_apps_path_is_rejected_as_mismatched()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var response = await client.RegisterAsync(Eureka.SteeltoeBody(app: "orders"), app: "payments");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Mismatched appName, expecting PAYMENTS but was ORDERS", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"name":"orders"}""")]
    [InlineData("""{"instance":"nope"}""")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Unreadable_registration_body_gets_eurekas_parse_error(string body)
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var response = await client.RegisterRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("cannot parse request body", (string?)error["error"]);
    }

    [Fact]
    public async Task Re_registration_with_an_older_dirty_timestamp_keeps_the_stored_record()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var newer = Eureka.SteeltoeBody(lastDirty: "1700000002000");
        newer["instance"]!["metadata"] = new JsonObject { ["version"] = "2" };
        var older = Eureka.SteeltoeBody(lastDirty: "1700000001000");
        older["instance"]!["metadata"] = new JsonObject { ["version"] = "1" };

        await client.RegisterAsync(newer);
        var response = await client.RegisterAsync(older);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var instance = (await client.GetJsonAsync("/eureka/apps/orders/host-a:orders:8080")).GetProperty("instance");
        Assert.Equal("2", instance.GetProperty("metadata").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Re_registration_keeps_the_first_service_up_time()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var firstUp = factory.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000001000"));

        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000002000"));

        var lease = (await client.GetJsonAsync("/eureka/apps/orders/host-a:orders:8080")).GetProperty("instance").GetProperty("leaseInfo");
        Assert.Equal(firstUp, lease.GetProperty("serviceUpTimestamp").GetInt64());
        Assert.Equal(firstUp + 10_000, lease.GetProperty("registrationTimestamp").GetInt64());
    }
}
