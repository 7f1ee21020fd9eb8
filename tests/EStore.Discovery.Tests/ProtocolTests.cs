using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EStore.Discovery.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Discovery.Tests;

public sealed class ProtocolTests
{
    private const string InstancePath = "/eureka/apps/ORDERS/host-a:orders:8080";

    [Fact]
    public async Task Metadata_update_merges_query_pairs_and_re_registers()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var body = Eureka.SteeltoeBody();
        body["instance"]!["metadata"] = new System.Text.Json.Nodes.JsonObject { ["version"] = "1", ["zone"] = "a" };
        await client.RegisterAsync(body);

        var response = await client.PutAsync(InstancePath + "/metadata?zone=b&weight=3&weight=4", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var instance = (await client.GetJsonAsync(InstancePath)).GetProperty("instance");
        var metadata = instance.GetProperty("metadata");
        Assert.Equal("1", metadata.GetProperty("version").GetString());
        Assert.Equal("b", metadata.GetProperty("zone").GetString());
        Assert.Equal("3", metadata.GetProperty("weight").GetString());
        Assert.Equal("1700000000000", instance.GetProperty("lastDirtyTimestamp").GetString());
        Assert.Equal("ADDED", instance.GetProperty("actionType").GetString());
    }

    [Fact]
    public async Task Metadata_update_of_an_unknown_instance_is_404_and_creates_nothing()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        var response = await client.PutAsync(InstancePath + "/metadata?zone=b", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, factory.Registry.Count);
    }

    [Fact]
    public async Task Vip_lookups_match_whole_comma_separated_entries_case_sensitively()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var orders = Eureka.SteeltoeBody();
        orders["instance"]!["vipAddress"] = "orders,shop-api";
        orders["instance"]!["secureVipAddress"] = "orders-secure";
        await client.RegisterAsync(orders);
        await client.RegisterAsync(Eureka.JsClientBody(), app: "jqservice");

        var byVip = (await client.GetJsonAsync("/eureka/vips/shop-api")).GetProperty("applications");
        var bySecureVip = (await client.GetJsonAsync("/eureka/v2/svips/orders-secure")).GetProperty("applications");
        var wrongCase = (await client.GetJsonAsync("/eureka/vips/SHOP-API")).GetProperty("applications");
        var partial = (await client.GetJsonAsync("/eureka/vips/shop")).GetProperty("applications");

        Assert.Equal("-1", byVip.GetProperty("versions__delta").GetString());
        Assert.Equal("ORDERS", Assert.Single(byVip.GetProperty("application").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("ORDERS", Assert.Single(bySecureVip.GetProperty("application").EnumerateArray()).GetProperty("name").GetString());
        Assert.Empty(wrongCase.GetProperty("application").EnumerateArray());
        Assert.Empty(partial.GetProperty("application").EnumerateArray());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("not a media type")]
    public async Task Registration_with_a_wrong_content_type_is_415_and_changes_nothing(string contentType)
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Eureka.SteeltoeBody().ToJsonString()));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await client.PostAsync("/eureka/apps/orders", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, factory.Registry.Count);
    }

    [Fact]
    public async Task Registration_without_a_content_type_is_read_as_json()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Eureka.SteeltoeBody().ToJsonString()));

        var response = await client.PostAsync("/eureka/apps/orders", content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_leaves_the_registry_as_it_was()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());
        var version = factory.Registry.Version;

        var response = await client.RegisterRawAsync("""{"instance": {"app": "orders", """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(version, factory.Registry.Version);
        Assert.Equal(1, factory.Registry.Count);
    }

    [Fact]
    public async Task Operations_on_an_unknown_app_are_404()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/apps/NOPE")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/apps/NOPE/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync("/eureka/apps/NOPE/x", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/eureka/apps/NOPE/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync("/eureka/apps/NOPE/x/status?value=UP", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/eureka/apps/NOPE/x/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/instances/x")).StatusCode);
        Assert.Equal(0, factory.Registry.Count);
    }

    [Fact]
    public async Task Xml_is_served_when_only_xml_is_acceptable()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/eureka/apps/");
        request.Headers.Accept.ParseAdd("application/xml");
        using var response = await client.SendAsync(request);

        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UP_1_", xml.Root!.Element("apps__hashcode")!.Value);
        var instance = xml.Root.Element("application")!.Element("instance")!;
        Assert.Equal("UNKNOWN", instance.Element("overriddenstatus")!.Value);
        Assert.Equal("true", instance.Element("port")!.Attribute("enabled")!.Value);
        Assert.Equal("8080", instance.Element("port")!.Value);
        Assert.Equal("java.util.Collections$EmptyMap", instance.Element("metadata")!.Attribute("class")!.Value);
    }

    [Fact]
    public async Task Registry_documents_are_gzipped_when_the_client_accepts_gzip()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/eureka/apps/");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate");
        using var response = await client.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var document = await JsonSerializer.DeserializeAsync<JsonElement>(gzip);
        Assert.Equal("UP_1_", document.GetProperty("applications").GetProperty("apps__hashcode").GetString());
    }

    [Fact]
    public async Task The_full_registry_is_served_from_the_cache_until_a_change_invalidates_it()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var cache = factory.Services.GetRequiredService<ResponseCache>();
        await client.RegisterAsync(Eureka.SteeltoeBody(host: "host-a"));
        await client.GetJsonAsync("/eureka/apps/");
        var misses = cache.Misses;

        await client.GetJsonAsync("/eureka/apps/");
        await client.GetJsonAsync("/eureka/apps/");
        Assert.Equal(misses, cache.Misses);

        await client.RegisterAsync(Eureka.SteeltoeBody(host: "host-b"));
        var after = await client.GetJsonAsync("/eureka/apps/");
        Assert.Equal("UP_2_", after.GetProperty("applications").GetProperty("apps__hashcode").GetString());
        Assert.Equal(misses + 1, cache.Misses);
    }

    [Fact]
    public async Task A_cached_404_for_an_app_ends_when_the_app_registers()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/eureka/apps/ORDERS")).StatusCode);

        await client.RegisterAsync(Eureka.SteeltoeBody());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/eureka/apps/ORDERS")).StatusCode);
    }

    [Fact]
    public async Task With_the_read_only_cache_changes_show_at_the_next_refresh_tick()
    {
        using var factory = new DiscoveryFactory(new Dictionary<string, string?>
        {
            ["Discovery:ResponseCache:UseReadOnlyCache"] = "true",
            ["Discovery:ResponseCache:ReadOnlyUpdateIntervalSeconds"] = "30",
        });
        var client = factory.CreateClient();
        Assert.Equal("", (await client.GetJsonAsync("/eureka/apps/")).GetProperty("applications").GetProperty("apps__hashcode").GetString());

        await client.RegisterAsync(Eureka.SteeltoeBody());
        Assert.Equal("", (await client.GetJsonAsync("/eureka/apps/")).GetProperty("applications").GetProperty("apps__hashcode").GetString());

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("UP_1_", (await client.GetJsonAsync("/eureka/apps/")).GetProperty("applications").GetProperty("apps__hashcode").GetString());
    }

    [Fact]
    public async Task Delta_can_be_disabled_and_then_answers_403()
    {
        using var factory = new DiscoveryFactory(new Dictionary<string, string?> { ["Discovery:DisableDelta"] = "true" });
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/eureka/apps/delta")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/eureka/apps/")).StatusCode);
    }

    [Fact]
    public async Task Server_status_reports_general_and_replica_stats()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody());

        var status = await client.GetFromJsonAsync<JsonElement>("/eureka/status");

        Assert.Equal("Testing", status.GetProperty("generalStats").GetProperty("environment").GetString());
        Assert.Equal("", status.GetProperty("applicationStats").GetProperty("registered-replicas").GetString());
        Assert.Equal(1, status.GetProperty("instances").GetInt32());
    }

    [Fact]
    public async Task A_replicated_heartbeat_older_than_the_stored_record_gets_409_with_that_record()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000005000"));

        using var replicated = new HttpRequestMessage(HttpMethod.Put, InstancePath + "?status=UP&lastDirtyTimestamp=1700000001000");
        replicated.AsReplication();
        using var conflict = await client.SendAsync(replicated);
        var fromClient = await client.PutAsync(InstancePath + "?status=UP&lastDirtyTimestamp=1700000001000", null);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var body = await conflict.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("1700000005000", body.GetProperty("instance").GetProperty("lastDirtyTimestamp").GetString());
        // A client with an older stamp is told to register again (Eureka renews it; see discovery/README.md).
        Assert.Equal(HttpStatusCode.NotFound, fromClient.StatusCode);
    }

    [Fact]
    public async Task A_replicated_registration_skips_the_lease_rule_so_the_peers_status_wins()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        await client.RegisterAsync(Eureka.SteeltoeBody(lastDirty: "1700000001000"));

        using var replicated = new HttpRequestMessage(HttpMethod.Post, "/eureka/apps/ORDERS")
        {
            Content = JsonContent.Create(Eureka.SteeltoeBody(status: "OUT_OF_SERVICE", lastDirty: "1700000002000")),
        };
        replicated.AsReplication();
        await client.SendAsync(replicated);
        await client.RegisterAsync(Eureka.SteeltoeBody(status: "OUT_OF_SERVICE", lastDirty: "1700000003000"));

        // The peer's OUT_OF_SERVICE replaced UP; a client's own re-registration cannot change it back or forth.
        Assert.Equal("OUT_OF_SERVICE", (await client.GetJsonAsync(InstancePath)).GetProperty("instance").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Batch_replication_applies_every_action_and_answers_in_order()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();
        var instance = Eureka.SteeltoeBody(lastDirty: "1700000001000")["instance"]!.DeepClone();
        var batch = new System.Text.Json.Nodes.JsonObject
        {
            ["replicationList"] = new System.Text.Json.Nodes.JsonArray(
                Item("Register", instance: instance),
                Item("Heartbeat", lastDirty: 1700000001000, status: "UP"),
                Item("Heartbeat", lastDirty: 1700000000000, status: "UP"),
                Item("StatusUpdate", lastDirty: 1700000001000, status: "OUT_OF_SERVICE"),
                Item("DeleteStatusOverride", lastDirty: 1700000001000, status: "UP"),
                Item("Heartbeat", id: "nobody", lastDirty: 1, status: "UP"),
                Item("Explode"),
                Item("Cancel")),
        };

        client.DefaultRequestHeaders.Authorization = TestCredentials.Peer;
        var response = await client.PostAsync("/eureka/peerreplication/batch/", JsonContent.Create(batch));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responseList").EnumerateArray().ToList();
        Assert.Equal([200, 200, 409, 200, 200, 404, 400, 200], results.Select(r => r.GetProperty("statusCode").GetInt32()));
        Assert.Equal("1700000001000", results[2].GetProperty("responseEntity").GetProperty("lastDirtyTimestamp").GetString());
        Assert.Equal(0, factory.Registry.Count);
        var delta = (await client.GetJsonAsync("/eureka/apps/delta")).GetProperty("applications");
        Assert.Equal("DELETED", Assert.Single(delta.GetProperty("application").EnumerateArray().SelectMany(a => a.GetProperty("instance").EnumerateArray())).GetProperty("actionType").GetString());
    }

    [Fact]
    public async Task A_batch_that_is_not_a_replication_list_is_400()
    {
        using var factory = new DiscoveryFactory();
        var client = factory.CreateClient();

        client.DefaultRequestHeaders.Authorization = TestCredentials.Peer;
        var response = await client.PostAsync("/eureka/peerreplication/batch", new StringContent("""{"items":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static System.Text.Json.Nodes.JsonObject Item(string action, string id = "host-a:orders:8080", long? lastDirty = null, string? status = null, System.Text.Json.Nodes.JsonNode? instance = null)
    {
        var item = new System.Text.Json.Nodes.JsonObject { ["appName"] = "ORDERS", ["id"] = id, ["action"] = action };
        if (lastDirty is { } dirty)
        {
            item["lastDirtyTimestamp"] = dirty;
        }
        if (status is not null)
        {
            item["status"] = status;
        }
        if (instance is not null)
        {
            item["instanceInfo"] = instance;
        }
        return item;
    }
}
