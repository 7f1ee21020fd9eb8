using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EStore.Discovery.Tests;

/// <summary>Two real discovery nodes on loopback, each listing both URLs (itself included) as its peers.</summary>
public sealed class PeerReplicationTests : IAsyncLifetime
{
    private const string InstancePath = "eureka/apps/ORDERS/host-a:orders:8080";
    private DiscoveryNode _a = null!;
    private DiscoveryNode _b = null!;

    public async Task InitializeAsync()
    {
        var (portA, portB) = (FreePort.Next(), FreePort.Next());
        string[] peers = [DiscoveryNode.PeerUrlOf(portA), DiscoveryNode.PeerUrlOf(portB)];
        // Node a starts first, with nobody to copy from; node b copies a's (empty) registry. That copy
        // must be over before a test starts, or it could pick up the test's registrations.
        _a = DiscoveryNode.Start(portA, peers, new Dictionary<string, string?> { ["Discovery:Peers:SyncOnStartup"] = "false" });
        _b = DiscoveryNode.Start(portB, peers);
        await _b.Sync.Completed.WaitAsync(TimeSpan.FromSeconds(15));
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public void Each_node_recognises_itself_in_the_service_url_list_and_keeps_only_the_other()
    {
        // Compared as text: the shown URL must have lost the credential (Uri equality ignores userinfo).
        Assert.Equal([_b.EurekaUrl], _a.Peers.Nodes.Select(n => n.ServiceUrl.ToString()));
        Assert.Equal([_a.EurekaUrl], _b.Peers.Nodes.Select(n => n.ServiceUrl.ToString()));
    }

    [Fact]
    public async Task A_registration_at_node_a_becomes_visible_at_node_b()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _a.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka")).StatusCode);

        var instance = await InstanceAtAsync(_b, i => i is not null);

        Assert.Equal("UP", instance!.Value.GetProperty("status").GetString());
        Assert.Equal("1700000000000", instance.Value.GetProperty("lastDirtyTimestamp").GetString());
    }

    [Fact]
    public async Task A_renewal_at_node_a_renews_the_lease_at_node_b()
    {
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka");
        var registered = await InstanceAtAsync(_b, i => i is not null);
        var before = registered!.Value.GetProperty("leaseInfo").GetProperty("lastRenewalTimestamp").GetInt64();

        Assert.Equal(HttpStatusCode.OK, (await _a.Http.PutAsync(InstancePath + "?status=UP&lastDirtyTimestamp=1700000000000", null)).StatusCode);

        // Eureka's renew sets lastRenewalTimestamp to renew time + lease duration: it jumps ahead.
        await InstanceAtAsync(_b, i => i?.GetProperty("leaseInfo").GetProperty("lastRenewalTimestamp").GetInt64() > before + 60_000);
    }

    [Fact]
    public async Task A_cancel_at_node_a_removes_the_instance_at_node_b()
    {
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka");
        await InstanceAtAsync(_b, i => i is not null);

        Assert.Equal(HttpStatusCode.OK, (await _a.Http.DeleteAsync(InstancePath)).StatusCode);

        await InstanceAtAsync(_b, i => i is null);
    }

    [Fact]
    public async Task A_status_override_and_its_removal_at_node_a_reach_node_b()
    {
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka");
        await InstanceAtAsync(_b, i => i is not null);

        await _a.Http.PutAsync(InstancePath + "/status?value=OUT_OF_SERVICE", null);
        var overridden = await InstanceAtAsync(_b, i => i?.GetProperty("status").GetString() == "OUT_OF_SERVICE");
        Assert.Equal("OUT_OF_SERVICE", overridden!.Value.GetProperty("overriddenStatus").GetString());

        await _a.Http.DeleteAsync(InstancePath + "/status?value=UP");
        var restored = await InstanceAtAsync(_b, i => i?.GetProperty("status").GetString() == "UP");
        Assert.Equal("UNKNOWN", restored!.Value.GetProperty("overriddenStatus").GetString());
    }

    [Fact]
    public async Task A_metadata_update_at_node_a_reaches_node_b()
    {
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka");
        await InstanceAtAsync(_b, i => i is not null);

        Assert.Equal(HttpStatusCode.OK, (await _a.Http.PutAsync(InstancePath + "/metadata?zone=zone-2", null)).StatusCode);

        await InstanceAtAsync(_b, i => i?.GetProperty("metadata").TryGetProperty("zone", out var zone) == true && zone.GetString() == "zone-2");
    }

    [Fact]
    public async Task A_replicated_change_is_not_sent_back_to_its_origin()
    {
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka");
        await _a.Http.PutAsync(InstancePath, null);
        await InstanceAtAsync(_b, i => i is not null);
        await Eventually.TrueAsync(() => _a.Peers.Nodes.Single().Status() is { Pending: 0, Replicated: >= 2 }, "node a to finish replicating");
        // Several batch windows: anything node b wanted to send would have gone by now.
        await Task.Delay(300);

        var fromB = _b.Peers.Nodes.Single().Status();
        Assert.Equal(0, fromB.Replicated);
        Assert.Equal(0, fromB.Pending);
        Assert.Null(fromB.Reachable);
    }

    [Fact]
    public async Task A_heartbeat_for_an_instance_the_peer_lacks_makes_the_sender_register_it_there()
    {
        // Arrives at node a as a peer's replication: node a stores it without forwarding it.
        await SendAsReplicationAsync(_a, HttpMethod.Post, "eureka/apps/ORDERS", Eureka.SteeltoeBody());
        await Task.Delay(200);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.Http.GetAsync(InstancePath)).StatusCode);

        // A client heartbeat at node a is replicated; node b answers 404; node a sends a Register.
        Assert.Equal(HttpStatusCode.OK, (await _a.Http.PutAsync(InstancePath, null)).StatusCode);

        await InstanceAtAsync(_b, i => i is not null);
    }

    [Fact]
    public async Task A_heartbeat_answered_409_makes_the_sender_adopt_the_peers_newer_record()
    {
        var older = Eureka.SteeltoeBody(lastDirty: "1700000001000");
        older["instance"]!["metadata"] = new JsonObject { ["version"] = "1" };
        var newer = Eureka.SteeltoeBody(lastDirty: "1700000002000");
        newer["instance"]!["metadata"] = new JsonObject { ["version"] = "2" };
        await SendAsReplicationAsync(_a, HttpMethod.Post, "eureka/apps/ORDERS", older);
        await SendAsReplicationAsync(_b, HttpMethod.Post, "eureka/apps/ORDERS", newer);

        Assert.Equal(HttpStatusCode.OK, (await _a.Http.PutAsync(InstancePath + "?lastDirtyTimestamp=1700000001000", null)).StatusCode);

        var adopted = await InstanceAtAsync(_a, i => i?.GetProperty("lastDirtyTimestamp").GetString() == "1700000002000");
        Assert.Equal("2", adopted!.Value.GetProperty("metadata").GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_node_started_late_copies_the_registry_from_its_peer()
    {
        var portC = FreePort.Next();
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(host: "host-a"), prefix: "/eureka");
        await _a.Http.RegisterAsync(Eureka.SteeltoeBody(host: "host-b"), prefix: "/eureka");
        await _a.Http.RegisterAsync(Eureka.JsClientBody(), app: "jqservice", prefix: "/eureka");

        // Node c knows only node a; node a does not know node c, so nothing reaches c by replication.
        await using var c = DiscoveryNode.Start(portC, [DiscoveryNode.PeerUrlOf(_a.Port), DiscoveryNode.PeerUrlOf(portC)]);
        var outcome = await c.Sync.Completed.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(3, outcome.Instances);
        Assert.Equal(new Uri(_a.EurekaUrl), outcome.Peer);
        var registry = await c.Http.GetJsonAsync("/eureka/apps/");
        Assert.Equal("UP_3_", registry.GetProperty("applications").GetProperty("apps__hashcode").GetString());
        // It serves reads normally at once (no warm-up 403) and keeps the clients' dirty stamps.
        Assert.Equal("1700000000000", (await c.Http.GetJsonAsync("/eureka/apps/ORDERS/host-a:orders:8080")).GetProperty("instance").GetProperty("lastDirtyTimestamp").GetString());
    }

    [Fact]
    public async Task A_node_replicating_with_a_wrong_peer_secret_is_refused_by_its_peer()
    {
        var rogueUrl = $"http://discovery:wrong-secret@127.0.0.1:{_a.Port}/eureka/";
        await using var rogue = DiscoveryNode.Start(FreePort.Next(), [rogueUrl], new Dictionary<string, string?> { ["Discovery:Peers:SyncOnStartup"] = "false" });

        Assert.Equal(HttpStatusCode.NoContent, (await rogue.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka")).StatusCode);

        await Eventually.TrueAsync(() => rogue.Peers.Nodes.Single().Status().LastError == "peer answered 401", "node a to refuse the batch");
        using var atA = await _a.Http.GetAsync(InstancePath);
        Assert.Equal(HttpStatusCode.NotFound, atA.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_peer_is_reported_on_the_dashboard_and_in_health()
    {
        var deadPort = FreePort.Next();
        await using var c = DiscoveryNode.Start(FreePort.Next(), [DiscoveryNode.PeerUrlOf(deadPort)], new Dictionary<string, string?> { ["Management:Port"] = "0" });
        await c.Http.RegisterAsync(Eureka.SteeltoeBody(), prefix: "/eureka");

        await Eventually.TrueAsync(() => c.Peers.Nodes.Single().Status().Reachable == false, "the dead peer to be marked unreachable");

        var html = await c.Http.GetStringAsync("/");
        Assert.Contains(DiscoveryNode.EurekaUrlOf(deadPort), html);
        Assert.Contains("unreachable", html);
        // The peer URL is shown without the credential it carries.
        Assert.DoesNotContain(TestCredentials.PeerSecret, html);
        // Peer addresses are health details: the management port shows them, the published port does not.
        var open = await c.Http.GetStringAsync("/actuator/health");
        Assert.DoesNotContain("127.0.0.1", open, StringComparison.Ordinal);
        using var management = new HttpClient { BaseAddress = c.ManagementUrl };
        var health = await management.GetFromJsonAsync<JsonElement>("/actuator/health");
        Assert.DoesNotContain(TestCredentials.PeerSecret, health.ToString(), StringComparison.Ordinal);
        var peer = Assert.Single(health.GetProperty("components").GetProperty("registry").GetProperty("details").GetProperty("peers").EnumerateArray());
        Assert.False(peer.GetProperty("reachable").GetBoolean());
    }

    private static async Task<JsonElement?> InstanceAtAsync(DiscoveryNode node, Func<JsonElement?, bool> done) =>
        await Eventually.GetAsync(async () =>
        {
            using var response = await node.Http.GetAsync(InstancePath);
            return response.StatusCode == HttpStatusCode.OK
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instance")
                : (JsonElement?)null;
        }, done, $"the instance at node {node.Port} to match", TimeSpan.FromSeconds(10));

    private static async Task SendAsReplicationAsync(DiscoveryNode node, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await node.Http.SendAsync(request.AsReplication());
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
    }
}
